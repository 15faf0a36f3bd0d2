"""What `make run` (curator up) logs for an operator: each email sent or not, and why."""

from __future__ import annotations

import logging

import pytest

from curator.domain import MailKind
from curator.mail import DeliveryResult, DeliveryStatus
from jobs.tasks import log_deliveries


def test_each_email_is_one_line_saying_sent_or_why_not(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="jobs.tasks")
    log_deliveries(
        [
            DeliveryResult(
                DeliveryStatus.SENT, MailKind.REFRESH, "sextortion", recipients=("a@hub.example",)
            ),
            DeliveryResult(DeliveryStatus.NO_RECIPIENTS, MailKind.REVIEW, "scams"),
            DeliveryResult(DeliveryStatus.NOTHING_NEW, MailKind.REFRESH, "grooming"),
            DeliveryResult(
                DeliveryStatus.FAILED, MailKind.REFRESH, "fraud", attempts=2, error="refused"
            ),
        ]
    )
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "jobs.tasks"]
    assert lines == [
        ("INFO", "email sent: refresh report for sextortion to a@hub.example"),
        (
            "WARNING",
            "email not sent: review reminder for scams has no recipients; set CURATOR_MAIL_TO "
            "or the guide's editors",
        ),
        ("INFO", "email skipped: refresh report for grooming: nothing changed since the last one"),
        (
            "WARNING",
            "email not sent: refresh report for fraud (attempt 2): refused; retried from soon",
        ),
    ]
