"""Emails to the editors: refresh reports and review reminders, sent once, retried until sent.

Every email is first recorded in mail_deliveries under a deduplication key, then sent; a
failed send keeps its row (attempts, last_error, next_attempt_at with backoff) and is retried
by the next call. The scheduler calls `send_refresh_report` after a full run,
`send_review_reminders` daily and `retry_failed_deliveries` every few minutes.
"""

from curator.mail.alerts import send_domain_alerts
from curator.mail.delivery import (
    CLAIM,
    DeliveryResult,
    DeliveryStatus,
    Mailer,
    SmtpMailer,
    retry_delay,
    retry_failed_deliveries,
)
from curator.mail.message import build_message, header_text, message_id, recipients_for, wrap_text
from curator.mail.reports import send_refresh_report, send_review_reminders

__all__ = [
    "CLAIM",
    "DeliveryResult",
    "DeliveryStatus",
    "Mailer",
    "SmtpMailer",
    "build_message",
    "header_text",
    "message_id",
    "recipients_for",
    "retry_delay",
    "retry_failed_deliveries",
    "send_domain_alerts",
    "send_refresh_report",
    "send_review_reminders",
    "wrap_text",
]
