"""The scheduler process: stand by, lead, run the jobs, and stop cleanly.

`run_scheduler` waits until this process is the one active scheduler, prepares (re-plans from
the database what is due, resumes what a shutdown interrupted), runs APScheduler until told to
stop or until it finds it no longer leads, then shuts down: no new work, in-flight checks finish
within `shutdown_grace_seconds`, runs are marked interrupted, leadership is released.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.check.checker import Checker
from curator.errors import StoreError
from curator.migrate import current_revision, head_revision
from curator.runs.executor import CheckerExecutor
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import create_engine, session_factory
from curator.store.job_states import job_state, plan_job
from jobs import tasks
from jobs.leadership import Leadership, leadership_for
from jobs.schedule import planned_due
from jobs.scheduler import JobRunner, JobSpec, SpecsFactory, build_scheduler
from jobs.tasks import JobContext

log = logging.getLogger(__name__)

# What `run_scheduler` returns: stopped when told, or because another process leads now.
STOPPED = 0
LOST_LEADERSHIP = 4


async def run_scheduler(
    settings: Settings,
    *,
    stop: asyncio.Event,
    clock: Callable[[], datetime] = utcnow,
    leadership: Leadership | None = None,
    specs: SpecsFactory | None = None,
) -> int:
    """Lead (or stand by until leading) and run the jobs until `stop` is set; an exit code."""
    # A scheduler that hangs mid-transaction must not hold its locks much past its lease.
    engine = create_engine(
        settings.database_url, idle_in_transaction=max(2 * settings.scheduler_lease_seconds, 5.0)
    )
    sessions = session_factory(engine)
    chosen = leadership or leadership_for(
        settings.database_url, sessions, seconds=settings.scheduler_lease_seconds, clock=clock
    )
    try:
        revision = await current_revision(engine)
        if revision != head_revision():
            raise StoreError(
                f"the database is at revision {revision or 'base'}, not {head_revision()}: "
                "run `curator db upgrade` first"
            )
        if not await chosen.acquire(stop):
            return STOPPED
        # The one checker of this process, for every run its jobs start.
        async with Checker.build(
            settings.fetch_policy(), search=settings.search_limits()
        ) as checker:
            context = JobContext(
                settings=settings,
                sessions=sessions,
                clock=clock,
                stop=stop,
                executor=CheckerExecutor(checker, settings.confirm_policy(), clock=clock),
            )
            return await _lead(context, chosen, specs)
    finally:
        await chosen.release()
        await engine.dispose()


async def _lead(
    context: JobContext,
    leadership: Leadership,
    specs: SpecsFactory | None,
) -> int:
    scheduler, runner = build_scheduler(context.settings, context, leadership, specs=specs)
    await plan_from_schedules(
        context.sessions,
        runner.specs.values(),
        now=context.clock(),
        timezone=context.settings.timezone,
    )
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(sorted(runner.specs)))
    watch = asyncio.create_task(_watch_leadership(leadership, runner))
    stopping = asyncio.create_task(context.stop.wait())
    losing = asyncio.create_task(runner.lost.wait())
    try:
        await asyncio.wait([stopping, losing], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in (watch, stopping, losing):
            waiter.cancel()
            with suppress(asyncio.CancelledError):
                await waiter
        # No new work: pause the clock first, then tell running jobs to wind down, and start
        # no new request: links a run has taken but that wait for their host are not asked.
        scheduler.pause()
        context.stop.set()
        context.executor.checker.stop_requests()
        if not await runner.drain(context.settings.shutdown_grace_seconds):
            cut = await tasks.interrupt_own_runs(context)
            log.error("shutdown grace ran out; runs %s marked interrupted", cut)
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler.shutdown takes effect on the loop's next turn
    if runner.lost.is_set():
        log.error("scheduler stopped: another scheduler is active now")
        return LOST_LEADERSHIP
    log.info("scheduler stopped")
    return STOPPED


async def _watch_leadership(leadership: Leadership, runner: JobRunner) -> None:
    """Check leadership on a timer; the moment it is lost, stop acting."""
    while not runner.lost.is_set():
        await asyncio.sleep(leadership.check_interval)
        if not await leadership.keep():
            log.error("this scheduler lost its leadership; stopping")
            runner.lost.set()


async def plan_from_schedules(
    sessions: async_sessionmaker[AsyncSession],
    specs: Iterable[JobSpec],
    *,
    now: datetime,
    timezone: str,
) -> None:
    """Re-plan each cron job's due time at start, from its (possibly changed) schedule."""
    async with sessions() as session, session.begin():
        for spec in specs:
            if spec.cron is None:
                continue
            state = await job_state(session, job_id=spec.id)
            if state is None or state.last_started_at is None:
                continue  # never ran: due now
            planned = planned_due(
                spec.cron,
                stored=state.next_due_at,
                last_started_at=state.last_started_at,
                now=now,
                timezone=timezone,
            )
            if planned != state.next_due_at:
                await plan_job(session, job_id=spec.id, next_due_at=planned)
