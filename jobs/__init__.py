"""curator's scheduler process (APScheduler 3.x): scheduled checks, rechecks, reports."""
