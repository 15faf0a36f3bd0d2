"""The scheduler's jobs: plain async functions of a `JobContext` that call curator.

Each returns a `JobOutcome` (how it ended, and what an operator should know) or raises;
`jobs/scheduler.py` records either in `job_states`. None of them knows about APScheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.transport import build_client
from curator.domain import CheckJob, JobStatus, RunStatus, RunTrigger
from curator.errors import RunConflictError
from curator.labels import moment_label, plural
from curator.mail import DeliveryResult, DeliveryStatus, Mailer, send_domain_alerts
from curator.mail import retry_failed_deliveries as retry_deliveries
from curator.mail import send_refresh_report as send_refresh
from curator.mail import send_review_reminders as send_reminders
from curator.rechecks import process_rechecks
from curator.runs.execute import RunReport
from curator.runs.executor import CheckerExecutor
from curator.runs.recovery import owner_id, recover_runs
from curator.runs.selection import Selection
from curator.settings import Settings
from curator.store.catalog import any_active_resource
from curator.store.job_states import job_state, plan_job
from curator.store.link_states import failing_urls
from curator.store.runs import (
    latest_completed_run,
    mark_interrupted,
    resumable_runs,
    running_run_ids,
    superseded,
)
from curator.watch.lookups import build_rdap, refresh_registrations

log = logging.getLogger(__name__)

# Job ids (also the `job_states` rows).
FULL_CHECK = CheckJob.FULL_CHECK
CONFIRM_CHECK = CheckJob.CONFIRM_CHECK
RECHECKS = "rechecks"
REFRESH_REPORTS = "refresh_reports"
REVIEW_REMINDERS = "review_reminders"
MAIL_RETRY = "mail_retry"
DOMAIN_WATCH = "domain_watch"
RESUME_PREFIX = "resume_run_"

# Which job's runs each trigger's are: resuming waits while that job is due or running.
JOB_OF_TRIGGER = {RunTrigger.SCHEDULE: FULL_CHECK, RunTrigger.CONFIRM: CONFIRM_CHECK}

INCONCLUSIVE_RETRY = timedelta(hours=1)
BUSY_RETRY = timedelta(minutes=10)
"""When another run is running, or the database holds nothing to check yet, a scheduled full
check waits this long and tries again."""
RESUME_WITHIN = timedelta(days=7)
"""Interrupted runs older than this are not resumed: the next full check covers them."""
REPORT_WITHIN = timedelta(days=1)
"""A full run's refresh report is (re)tried this long after it finished."""

# How often the mail jobs look for owed email, in seconds. Emails carry their own backoff
# (mail_deliveries.next_attempt_at); these only bound how late a due one goes out.
MAIL_SWEEP_SECONDS = 120
REMINDER_SWEEP_SECONDS = 3600
DOMAIN_WATCH_SECONDS = 3600
"""How often the domain watch looks for registrations due (each is cached for
CURATOR_RDAP_CACHE_HOURS, so most sweeps ask nothing)."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What every job is given: settings, the database, the clock and the stop signal."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    stop: asyncio.Event
    """Set on SIGTERM: take no new work, let in-flight checks finish, mark runs interrupted."""
    executor: CheckerExecutor
    """Runs the checker (built once by the scheduler's process) for every job."""
    mailer: Mailer | None = None
    """Sends email; None: SMTP as configured."""


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How a job ended (a `job_states.last_status`), and a note an operator should read."""

    status: JobStatus
    detail: str | None = None


Task = Callable[[JobContext], Awaitable[JobOutcome]]


@dataclass(frozen=True, slots=True)
class StartupWork:
    """A job to run once when this scheduler starts leading (e.g. resuming a run)."""

    job_id: str
    func: Task


# --- mail ------------------------------------------------------------------------------------


def log_deliveries(results: Sequence[DeliveryResult]) -> None:
    """A log line per email: sent, or not sent and why (no recipients is a warning)."""
    for r in results:
        what = "review reminder" if r.kind == "review" else "refresh report"
        guide = r.guide_slug or "every guide"
        match r.status:
            case DeliveryStatus.SENT:
                log.info("email sent: %s for %s to %s", what, guide, ", ".join(r.recipients))
            case DeliveryStatus.FAILED | DeliveryStatus.PENDING:
                when = moment_label(r.next_attempt_at) if r.next_attempt_at else "soon"
                log.warning(
                    "email not sent: %s for %s (attempt %s): %s; retried from %s",
                    what,
                    guide,
                    r.attempts,
                    r.error,
                    when,
                )
            case DeliveryStatus.NO_RECIPIENTS:
                log.warning(
                    "email not sent: %s for %s has no recipients; set CURATOR_MAIL_TO or the "
                    "guide's editors",
                    what,
                    guide,
                )
            case DeliveryStatus.NOTHING_NEW:
                log.info(
                    "email skipped: %s for %s: nothing changed since the last one", what, guide
                )
            case DeliveryStatus.ALREADY_SENT:
                log.debug("email skipped: %s for %s: already sent (%s)", what, guide, r.key)


def mail_outcome(results: Sequence[DeliveryResult]) -> JobOutcome:
    """Failed if any email failed this time (it is retried from its `next_attempt_at`)."""
    log_deliveries(results)
    failed = [r for r in results if r.status is DeliveryStatus.FAILED]
    sent = sum(1 for r in results if r.status is DeliveryStatus.SENT)
    if not failed:
        return JobOutcome(JobStatus.SUCCEEDED, f"{plural(sent, 'email')} sent" if sent else None)
    first = failed[0]
    return JobOutcome(
        JobStatus.FAILED,
        f"{len(failed)} of {plural(len(results), 'email')} failed, retried later; "
        f"{first.kind} for {first.guide_slug or 'all guides'}: {first.error}",
    )


async def retry_mail(context: JobContext) -> JobOutcome:
    """Send again every email owed (failed earlier) whose next attempt is due."""
    results = await retry_deliveries(
        context.sessions, context.settings, clock=context.clock, mailer=context.mailer
    )
    return mail_outcome(results)


async def send_review_reminders(context: JobContext) -> JobOutcome:
    """Remind the editors of each guide whose review is due, once per due date."""
    results = await send_reminders(
        context.sessions, context.settings, clock=context.clock, mailer=context.mailer
    )
    return mail_outcome(results)


async def domain_watch(context: JobContext) -> JobOutcome:
    """Look up the catalog's registrations whose cache is due (never while a link is being
    checked for it), then email the editors of domains that entered hold or redemption."""
    settings = context.settings
    note = "registration look-ups are off (CURATOR_RDAP_LOOKUPS=false)"
    if settings.rdap_lookups:
        async with build_client(settings.fetch_policy()) as client:
            rdap = build_rdap(settings, client)
            assert rdap is not None
            summary = await refresh_registrations(
                context.sessions, rdap, settings=settings, clock=context.clock
            )
        note = summary.describe()
    results = await send_domain_alerts(
        context.sessions, settings, clock=context.clock, mailer=context.mailer
    )
    mail = mail_outcome(results)
    detail = "; ".join(part for part in (note, mail.detail) if part)
    return JobOutcome(mail.status, detail)


# --- check runs ------------------------------------------------------------------------------


def run_outcome(report: RunReport) -> JobOutcome:
    """A job's outcome from how its run ended, with the run's own summary."""
    note = f"run {report.run_id}: {report.summary}"
    if report.status is RunStatus.COMPLETED:
        return JobOutcome(JobStatus.SUCCEEDED, note)
    if report.status is RunStatus.INCONCLUSIVE:
        return JobOutcome(JobStatus.INCONCLUSIVE, note)
    if report.status is RunStatus.INTERRUPTED:
        return JobOutcome(JobStatus.INTERRUPTED, note)
    return JobOutcome(JobStatus.FAILED, note)


async def plan_sooner(context: JobContext, job_id: str, after: timedelta) -> datetime:
    """Make the job due again `after` from now (unless it is already due sooner)."""
    when = context.clock() + after
    async with context.sessions() as session, session.begin():
        state = await job_state(session, job_id=job_id)
        if state is not None and state.next_due_at is not None and state.next_due_at < when:
            return state.next_due_at
        await plan_job(session, job_id=job_id, next_due_at=when)
    return when


async def _scheduled_run(
    context: JobContext, job_id: str, selection: Selection, *, trigger: RunTrigger
) -> JobOutcome:
    """One scheduled run; waits and retries when another run is going or the network is down."""
    try:
        report = await context.executor.run(
            context.sessions, selection, trigger=trigger, stop=context.stop, exclusive=True
        )
    except RunConflictError as exc:
        when = await plan_sooner(context, job_id, BUSY_RETRY)
        return JobOutcome(JobStatus.SKIPPED, f"{exc}; trying again at {moment_label(when)}")
    outcome = run_outcome(report)
    if outcome.status == JobStatus.INCONCLUSIVE:
        when = await plan_sooner(context, job_id, INCONCLUSIVE_RETRY)
        return JobOutcome(
            JobStatus.INCONCLUSIVE, f"{outcome.detail} Trying again at {when:%H:%M} UTC."
        )
    if report.status is RunStatus.COMPLETED and report.trigger == RunTrigger.SCHEDULE:
        return await _with_report(context, report.run_id, outcome)
    return outcome


async def full_check(context: JobContext) -> JobOutcome:
    """Check every active resource of every guide; then send the refresh report. With none
    to check (a database no catalog was synced into), no run: the job is due again soon."""
    async with context.sessions() as session:
        empty = not await any_active_resource(session)
    if empty:
        when = await plan_sooner(context, FULL_CHECK, BUSY_RETRY)
        return JobOutcome(
            JobStatus.SKIPPED,
            "nothing to check: the database holds no resource yet (`curator sync` loads the "
            f"catalog file); trying again at {moment_label(when)}",
        )
    return await _scheduled_run(
        context, FULL_CHECK, Selection.everything(), trigger=RunTrigger.SCHEDULE
    )


async def confirm_check(context: JobContext) -> JobOutcome:
    """Recheck the links whose latest checks failed, so failures are confirmed or cleared."""
    async with context.sessions() as session:
        urls = await failing_urls(session)
    if not urls:
        return JobOutcome(JobStatus.SUCCEEDED, "no failing links to confirm")
    return await _scheduled_run(
        context, CONFIRM_CHECK, Selection.of_urls(urls), trigger=RunTrigger.CONFIRM
    )


async def resume_run(context: JobContext, *, run_id: int, trigger: RunTrigger) -> JobOutcome:
    """Check the URLs an interrupted run had not checked (a full run's report follows)."""
    try:
        report = await context.executor.run(
            context.sessions,
            Selection.resuming(run_id),
            trigger=trigger,
            stop=context.stop,
            # Rechecks may run beside other runs, as they did in the first place.
            exclusive=trigger != RunTrigger.RECHECK,
        )
    except RunConflictError as exc:
        return JobOutcome(JobStatus.SKIPPED, f"resuming run {run_id} waits: {exc}")
    outcome = run_outcome(report)
    if report.status is RunStatus.COMPLETED and trigger == RunTrigger.SCHEDULE:
        return await _with_report(context, report.run_id, outcome)
    return outcome


async def drain_rechecks(context: JobContext) -> JobOutcome:
    """Recheck the resources readers reported and editors asked about, one run per batch."""
    batches = await process_rechecks(
        context.sessions,
        execute=context.executor,
        clock=context.clock,
        stop=context.stop,
    )
    if not batches:
        return JobOutcome(JobStatus.SUCCEEDED)
    resources = sum(len(b.resource_ids) for b in batches)
    failed = [b for b in batches if b.run_id is None]
    note = f"rechecked {resources} resource(s) in {len(batches)} run(s)"
    if failed:
        return JobOutcome(JobStatus.FAILED, f"{note}; {len(failed)} batch(es) failed (see the log)")
    return JobOutcome(JobStatus.SUCCEEDED, note)


async def resumable_work(context: JobContext, *, busy: Collection[str]) -> list[StartupWork]:
    """Mark runs of dead processes interrupted; the interrupted runs worth resuming now.

    A full or confirmation run is not resumed while its job is due or running (the new run
    covers it), nor once a fresh run of its kind has started since.
    """
    now = context.clock()
    async with context.sessions() as session, session.begin():
        dead = await recover_runs(session, now=now)
        if dead:
            log.warning("runs %s were left running by a stopped process: interrupted", dead)
        candidates = await resumable_runs(
            session,
            triggers=(RunTrigger.SCHEDULE, RunTrigger.CONFIRM, RunTrigger.RECHECK),
            since=now - RESUME_WITHIN,
        )
        work: list[StartupWork] = []
        for run in candidates:
            if JOB_OF_TRIGGER.get(run.trigger) in busy:
                continue
            if run.trigger in JOB_OF_TRIGGER and await superseded(session, run=run):
                continue
            func = partial(resume_run, run_id=run.id, trigger=run.trigger)
            work.append(StartupWork(f"{RESUME_PREFIX}{run.id}", func))
    return work


async def interrupt_own_runs(context: JobContext) -> list[int]:
    """Mark this process's runs still `running` as interrupted (after a forced stop)."""
    async with context.sessions() as session, session.begin():
        ids = await running_run_ids(session, owner=owner_id())
        await mark_interrupted(
            session,
            run_ids=ids,
            finished_at=context.clock(),
            summary="Interrupted: cut off at the end of the scheduler's shutdown grace period; "
            "resuming it checks the rest.",
        )
    return ids


# --- reports ---------------------------------------------------------------------------------


async def _with_report(context: JobContext, run_id: int, outcome: JobOutcome) -> JobOutcome:
    """Send the refresh report after a completed full run; a failure is noted, not raised."""
    try:
        results = await send_refresh(
            context.sessions,
            context.settings,
            run_id=run_id,
            clock=context.clock,
            mailer=context.mailer,
        )
    except Exception as exc:
        log.exception("the refresh report after run %s failed", run_id)
        note = f"{outcome.detail} The refresh report failed ({exc}); retried within the hour."
        return JobOutcome(outcome.status, note)
    mail = mail_outcome(results)
    if mail.detail:
        return JobOutcome(outcome.status, f"{outcome.detail} Refresh report: {mail.detail}.")
    return outcome


async def send_refresh_reports(context: JobContext) -> JobOutcome:
    """The latest full run's refresh report, if it is owed (e.g. a crash came between)."""
    since = context.clock() - REPORT_WITHIN
    async with context.sessions() as session:
        run = await latest_completed_run(session, trigger=RunTrigger.SCHEDULE, finished_after=since)
    if run is None:
        return JobOutcome(JobStatus.SUCCEEDED)
    results = await send_refresh(
        context.sessions,
        context.settings,
        run_id=run.id,
        clock=context.clock,
        mailer=context.mailer,
    )
    return mail_outcome(results)
