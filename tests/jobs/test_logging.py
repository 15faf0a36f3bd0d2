"""What `make run` (curator up) logs for an operator: each run's start and counts, an
inconclusive run's retry, each email sent or not and why."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.domain import JobStatus, MailKind
from curator.mail import DeliveryResult, DeliveryStatus
from curator.settings import Settings
from jobs.scheduler import JobSpec
from jobs.tasks import JobContext, JobOutcome, log_deliveries
from tests.jobs.test_runner import MONDAY_3AM, Clock, runner_for


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
            DeliveryResult(
                DeliveryStatus.PENDING,
                MailKind.REFRESH,
                "scams",
                attempts=3,
                error="refused",
                next_attempt_at=datetime(2026, 12, 3, 14, 2, tzinfo=UTC),
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
        (
            "WARNING",
            "email not sent: refresh report for scams (attempt 3): refused; "
            "retried from 3 Dec 2026, 14:02 UTC",
        ),
    ]


class Outcomes:
    """A full_check stand-in returning the outcomes it is given, one per run."""

    def __init__(self, *outcomes: JobOutcome) -> None:
        self.outcomes = list(outcomes)

    async def __call__(self, context: JobContext) -> JobOutcome:
        return self.outcomes.pop(0)


async def test_a_run_job_logs_its_start_its_counts_and_an_inconclusive_retry(
    settings: Settings, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="jobs.scheduler")
    clock = Clock(MONDAY_3AM)
    job = Outcomes(
        JobOutcome(
            JobStatus.INCONCLUSIVE,
            "run 3: Inconclusive: all 9 sites failed before answering. Trying again at 04:00 UTC.",
        ),
        JobOutcome(JobStatus.SUCCEEDED, "run 4: Checked 9 addresses: 8 working; 1 broken."),
    )
    spec = JobSpec(
        id="full_check", func=job, trigger=IntervalTrigger(hours=1), misfire_grace_time=None
    )
    runner, _ = runner_for(settings, engine, clock, [spec])
    await runner.run("full_check")
    clock.now += timedelta(hours=1)
    await runner.run("full_check")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "jobs.scheduler"]
    assert lines == [
        ("INFO", "job full_check started: checking every active resource of every guide"),
        (
            "WARNING",
            "job full_check inconclusive: run 3: Inconclusive: all 9 sites failed before "
            "answering. Trying again at 04:00 UTC.",
        ),
        ("INFO", "job full_check started: checking every active resource of every guide"),
        ("INFO", "job full_check succeeded: run 4: Checked 9 addresses: 8 working; 1 broken."),
    ]
