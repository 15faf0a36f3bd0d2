"""APScheduler 3.x wired to curator's job functions; the database decides what is due.

APScheduler is only the clock. Each job has an explicit id, `replace_existing=True`,
`max_instances=1` and `coalesce=True`; the jobs are rebuilt from settings at every start (the
job store is memory: APScheduler 3.x cannot share a store between processes). What is due lives
in `job_states`: a cron job claims its due time there before it runs, so a job can never run
twice for one due time, and the `due_sweep` job (every minute, and at start) fires whatever the
database says is due that APScheduler did not — work that fell due while the service was down
runs once, at start.

Every start and end of a job is recorded in `job_states` (a failure with its error); a run's
own outcome is recorded on its `runs` row by the checker.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from curator.cron import zone
from curator.domain import JobStatus
from curator.settings import Settings
from curator.store.job_states import claim_due_job, finish_job, job_state, start_job
from jobs import tasks
from jobs.leadership import Leadership
from jobs.schedule import cron_trigger, is_due, next_due
from jobs.tasks import JobContext, JobOutcome, Task

log = logging.getLogger(__name__)


DUE_SWEEP = "due_sweep"

RUN_JOBS: dict[str, str] = {
    tasks.FULL_CHECK: "checking every active resource of every guide",
    tasks.CONFIRM_CHECK: "rechecking the links whose latest checks failed",
}
"""The jobs that start check runs: their start is logged (their end always is)."""
# How often the database is asked what is due, in seconds.
SWEEP_SECONDS = 60
# The longest error text kept on a job's state.
MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled job: what it runs, when, and how late it may still run."""

    id: str
    func: Task
    trigger: BaseTrigger
    misfire_grace_time: int | None
    """Seconds a run may start late; None: however late (due-ness is the database's anyway)."""
    cron: str | None = None
    """Set for due-based jobs: claimed in `job_states` against this schedule before each run."""
    at_start: bool = False
    """Also run once as soon as the scheduler starts."""


@dataclass
class JobRunner:
    """Runs jobs for APScheduler: verifies leadership, claims due work, records every outcome."""

    context: JobContext
    leadership: Leadership
    specs: dict[str, JobSpec]
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when leadership was found lost: the process must stop acting at once."""
    running: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    scheduler: AsyncIOScheduler | None = None
    resumable: Callable[..., Awaitable[list[tasks.StartupWork]]] = tasks.resumable_work
    """Finds interrupted runs to resume (tests replace it)."""

    @property
    def settings(self) -> Settings:
        """The settings the jobs were built from."""
        return self.context.settings

    async def run(self, job_id: str) -> None:
        """Run job `job_id` once if this process still leads and (for cron jobs) it is due."""
        if self.context.stop.is_set() or self.lost.is_set() or job_id in self.running:
            return
        task = asyncio.current_task()
        assert task is not None
        self.running[job_id] = task
        try:
            await self._run(self.specs[job_id])
        finally:
            self.running.pop(job_id, None)

    async def _run(self, spec: JobSpec) -> None:
        if not await self.leadership.keep():
            log.error("job %s not run: this scheduler is no longer the active one", spec.id)
            self.lost.set()
            return
        ctx = self.context
        now = ctx.clock()
        async with ctx.sessions() as session, session.begin():
            if spec.cron is not None:
                upcoming = next_due(spec.cron, now, self.settings.timezone)
                if not await claim_due_job(session, job_id=spec.id, now=now, next_due_at=upcoming):
                    return
            else:
                await start_job(session, job_id=spec.id, now=now)
        outcome = JobOutcome(JobStatus.FAILED)
        if spec.id in RUN_JOBS:
            log.info("job %s started: %s", spec.id, RUN_JOBS[spec.id])
        try:
            outcome = await spec.func(ctx)
        except asyncio.CancelledError:
            outcome = JobOutcome(
                JobStatus.INTERRUPTED, "cut off at the end of the shutdown grace period"
            )
            raise
        except Exception as exc:
            log.exception("job %s failed", spec.id)
            outcome = JobOutcome(JobStatus.FAILED, _describe(exc))
        finally:
            if outcome.status == JobStatus.FAILED and outcome.detail:
                log.error("job %s failed: %s", spec.id, outcome.detail.splitlines()[-1])
            elif outcome.detail and spec.id != DUE_SWEEP:
                # A run's counts, an inconclusive run and when it is tried again, a skip.
                quiet = outcome.status in (JobStatus.SUCCEEDED,)
                log.log(
                    logging.INFO if quiet else logging.WARNING,
                    "job %s %s: %s",
                    spec.id,
                    outcome.status.value,
                    outcome.detail,
                )
            await self._finish(spec.id, outcome)

    async def _finish(self, job_id: str, outcome: JobOutcome) -> None:
        ctx = self.context

        async def record() -> None:
            async with ctx.sessions() as session, session.begin():
                await finish_job(
                    session,
                    job_id=job_id,
                    now=ctx.clock(),
                    status=outcome.status,
                    error=outcome.detail,
                )

        # Shielded: a job cancelled at the end of the shutdown grace is still recorded.
        await asyncio.shield(record())

    async def sweep(self, context: JobContext) -> JobOutcome:
        """Fire every cron job the database says is due; resume runs worth resuming."""
        now = context.clock()
        woken: list[str] = []
        async with context.sessions() as session:
            for spec in self.specs.values():
                if spec.cron is None or spec.id in self.running:
                    continue
                if is_due(await job_state(session, job_id=spec.id), now):
                    woken.append(spec.id)
        busy = {*woken, *self.running}
        resumed = [
            work.job_id
            for work in await self.resumable(context, busy=busy)
            if work.job_id not in self.running and self._add_once(work)
        ]
        for job_id in woken:
            self.wake(job_id)
        notes = [f"woke {', '.join(woken)}"] if woken else []
        notes += [f"resuming {', '.join(resumed)}"] if resumed else []
        return JobOutcome(JobStatus.SUCCEEDED, "; ".join(notes) or None)

    def _add_once(self, work: tasks.StartupWork) -> bool:
        if self.scheduler is None or self.scheduler.get_job(work.job_id) is not None:
            return False
        add_job(self, one_off(work.job_id, work.func))
        return True

    def wake(self, job_id: str) -> None:
        """Ask APScheduler to run job `job_id` now (through its executor, one instance)."""
        if self.scheduler is not None and self.scheduler.get_job(job_id) is not None:
            # APScheduler keeps real time; the injected clock only decides what is due.
            self.scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))

    async def drain(self, grace: float) -> bool:
        """Wait up to `grace` seconds for running jobs; cancel what is left. True if none was."""
        tasks = [t for t in self.running.values() if not t.done()]
        if not tasks:
            return True
        _, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            log.error("job still running after %.0f s of shutdown; cancelling it", grace)
            task.cancel()
        if pending:
            with suppress(asyncio.CancelledError):
                await asyncio.wait(pending)
        return not pending


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    return text if len(text) <= MAX_ERROR_CHARS else "…" + text[-MAX_ERROR_CHARS:]


def job_specs(settings: Settings, sweep: Task | None = None) -> list[JobSpec]:
    """The jobs curator schedules, rebuilt from `settings` (plus the due sweep, if given)."""
    tz = zone(settings.timezone)
    poll = settings.recheck_poll_seconds

    def every(seconds: float) -> IntervalTrigger:
        return IntervalTrigger(seconds=seconds, timezone=tz)

    specs = [
        JobSpec(
            id=tasks.FULL_CHECK,
            func=tasks.full_check,
            trigger=cron_trigger(settings.full_check_cron, settings.timezone),
            misfire_grace_time=None,
            cron=settings.full_check_cron,
        ),
        JobSpec(
            id=tasks.CONFIRM_CHECK,
            func=tasks.confirm_check,
            trigger=cron_trigger(settings.confirm_check_cron, settings.timezone),
            misfire_grace_time=None,
            cron=settings.confirm_check_cron,
        ),
        # A missed poll is made up by the next one: no grace beyond one period.
        JobSpec(
            id=tasks.RECHECKS,
            func=tasks.drain_rechecks,
            trigger=every(poll),
            misfire_grace_time=max(int(poll), 1),
            at_start=True,
        ),
        JobSpec(
            id=tasks.REFRESH_REPORTS,
            func=tasks.send_refresh_reports,
            trigger=every(tasks.MAIL_SWEEP_SECONDS),
            misfire_grace_time=tasks.MAIL_SWEEP_SECONDS,
            at_start=True,
        ),
        JobSpec(
            id=tasks.REVIEW_REMINDERS,
            func=tasks.send_review_reminders,
            trigger=every(tasks.REMINDER_SWEEP_SECONDS),
            misfire_grace_time=tasks.REMINDER_SWEEP_SECONDS,
            at_start=True,
        ),
        # Registrations are cached for a day: an hourly sweep asks only for those due. Not at
        # start, so a restart never sends a burst of look-ups.
        JobSpec(
            id=tasks.DOMAIN_WATCH,
            func=tasks.domain_watch,
            trigger=every(tasks.DOMAIN_WATCH_SECONDS),
            misfire_grace_time=tasks.DOMAIN_WATCH_SECONDS,
        ),
        JobSpec(
            id=tasks.MAIL_RETRY,
            func=tasks.retry_mail,
            trigger=every(tasks.MAIL_SWEEP_SECONDS),
            misfire_grace_time=tasks.MAIL_SWEEP_SECONDS,
            at_start=True,
        ),
    ]
    if sweep is not None:
        specs.append(
            JobSpec(
                id=DUE_SWEEP,
                func=sweep,
                trigger=every(SWEEP_SECONDS),
                misfire_grace_time=SWEEP_SECONDS,
                at_start=True,
            )
        )
    return specs


SpecsFactory = Callable[[JobRunner], Sequence[JobSpec]]


def build_scheduler(
    settings: Settings,
    context: JobContext,
    leadership: Leadership,
    *,
    specs: SpecsFactory | None = None,
) -> tuple[AsyncIOScheduler, JobRunner]:
    """An AsyncIOScheduler (not started) with every job, and the runner that runs them.

    `specs` builds the jobs given the runner (default: `job_specs` with the runner's sweep).
    """
    runner = JobRunner(context=context, leadership=leadership, specs={})
    runner.scheduler = AsyncIOScheduler(timezone=zone(settings.timezone))
    chosen = specs(runner) if specs is not None else job_specs(settings, runner.sweep)
    for spec in chosen:
        add_job(runner, spec)
    return runner.scheduler, runner


def add_job(runner: JobRunner, spec: JobSpec) -> None:
    """Schedule `spec` on the runner's scheduler (replacing a job of the same id)."""
    scheduler = runner.scheduler
    assert scheduler is not None
    runner.specs[spec.id] = spec
    extra: dict[str, object] = {}
    if spec.at_start:
        extra["next_run_time"] = datetime.now(UTC)
    scheduler.add_job(
        runner.run,
        trigger=spec.trigger,
        args=[spec.id],
        id=spec.id,
        name=spec.id,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=spec.misfire_grace_time,
        **extra,
    )


def one_off(job_id: str, func: Task, *, grace: int | None = None) -> JobSpec:
    """A job that runs once, now (e.g. resuming the run a shutdown interrupted)."""
    return JobSpec(
        id=job_id,
        func=func,
        trigger=DateTrigger(run_date=datetime.now(UTC)),
        misfire_grace_time=grace,
    )
