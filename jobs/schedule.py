"""When scheduled work is due: pure functions of a cron expression, a job's state and a time.

What is due lives in the database (`job_states.next_due_at`), never in the scheduler's memory,
so a restart cannot lose or repeat work. These functions decide; `curator/store/job_states.py`
records; the scheduler wires them to a clock. Crontab lines are read and checked by
`curator.cron`; the APScheduler trigger is built here, since APScheduler objects exist only in
`jobs/`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger

from curator.cron import parse_cron, zone
from curator.errors import SettingsError


class HasNextDue(Protocol):
    """Anything that records when a job is next due (a `JobState` row, a test double)."""

    @property
    def next_due_at(self) -> datetime | None: ...


def cron_trigger(expression: str, timezone: str = "UTC") -> CronTrigger:
    """An APScheduler trigger for a standard five-field crontab line in `timezone`."""
    spec = parse_cron(expression)
    try:
        return CronTrigger(
            minute=spec.minute,
            hour=spec.hour,
            day=spec.day,
            month=spec.month,
            day_of_week=spec.day_of_week,
            timezone=zone(timezone),
        )
    except ValueError as exc:
        raise SettingsError(f"cron expression {expression!r}: {exc}") from exc


def next_due(expression: str, after: datetime, timezone: str = "UTC") -> datetime:
    """The first time strictly after `after` that the cron expression names, in UTC."""
    if after.tzinfo is None:
        raise ValueError(f"naive datetime {after!r}: give an aware UTC time")
    trigger = cron_trigger(expression, timezone)
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:  # pragma: no cover - a crontab line without an end date always fires again
        raise SettingsError(f"cron expression {expression!r} never fires after {after}")
    return fire.astimezone(UTC)  # type: ignore[no-any-return]


def is_due(state: HasNextDue | None, now: datetime) -> bool:
    """True when a job is due at `now`: it never ran, or its due time has come."""
    if state is None or state.next_due_at is None:
        return True
    return state.next_due_at <= now


def planned_due(
    expression: str,
    *,
    stored: datetime | None,
    last_started_at: datetime | None,
    now: datetime,
    timezone: str = "UTC",
) -> datetime:
    """When a job is due, given its stored plan and (possibly changed) cron expression.

    A job that never started is due `now`. Otherwise the earlier of the stored plan and the
    schedule's next time after the last start: a changed schedule takes effect at once, and
    work already planned is never pushed later.
    """
    if last_started_at is None:
        return now if stored is None else min(stored, now)
    scheduled = next_due(expression, last_started_at, timezone)
    return scheduled if stored is None else min(stored, scheduled)
