"""The job runner: claims due work in the database, records every outcome, stops cleanly.

Jobs here are small functions of the test's own; time is a settable clock.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.domain import JobStatus
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.job_states import job_state, plan_job, start_job
from curator.store.models import JobState
from jobs.schedule import cron_trigger
from jobs.scheduler import JobRunner, JobSpec, build_scheduler
from jobs.service import plan_from_schedules
from jobs.tasks import JobContext, JobOutcome
from tests.running import executor_for

MONDAY_3AM = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
WEEKLY = "0 3 * * mon"


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Leader:
    """Leadership that is held until the test takes it away."""

    holder = "test"
    check_interval = 60.0

    def __init__(self) -> None:
        self.held = True

    async def acquire(self, stop: asyncio.Event) -> bool:
        return self.held

    async def keep(self) -> bool:
        return self.held

    async def release(self) -> None:
        self.held = False


class Calls:
    """A job function that records each call (at the clock's time) and can be told to fail."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.at: list[datetime] = []
        self.fail: Exception | None = None
        self.called = asyncio.Event()

    async def __call__(self, context: JobContext) -> JobOutcome:
        self.at.append(self.clock())
        self.called.set()
        if self.fail is not None:
            raise self.fail
        return JobOutcome(JobStatus.SUCCEEDED)


def cron_spec(job_id: str, func: Calls) -> JobSpec:
    return JobSpec(
        id=job_id, func=func, trigger=cron_trigger(WEEKLY), misfire_grace_time=None, cron=WEEKLY
    )


def runner_for(
    settings: Settings, engine: AsyncEngine, clock: Clock, specs: list[JobSpec]
) -> tuple[JobRunner, Leader]:
    context = JobContext(
        settings=settings,
        sessions=session_factory(engine),
        clock=clock,
        stop=asyncio.Event(),
        executor=executor_for(settings),
    )
    leader = Leader()
    _, runner = build_scheduler(settings, context, leader, specs=lambda _runner: specs)
    return runner, leader


async def state_of(engine: AsyncEngine, job_id: str) -> JobState:
    async with session_factory(engine)() as session:
        state = await job_state(session, job_id=job_id)
    assert state is not None
    return state


async def test_a_cron_job_runs_once_per_due_time(settings: Settings, engine: AsyncEngine) -> None:
    clock = Clock(MONDAY_3AM)
    calls = Calls(clock)
    runner, _ = runner_for(settings, engine, clock, [cron_spec("full_check", calls)])
    await runner.run("full_check")  # never ran: due at once
    await runner.run("full_check")  # fired again (a restart, a second tick): not due
    clock.now += timedelta(days=6)
    await runner.run("full_check")
    clock.now = MONDAY_3AM + timedelta(days=7)
    await runner.run("full_check")
    assert calls.at == [MONDAY_3AM, MONDAY_3AM + timedelta(days=7)]
    state = await state_of(engine, "full_check")
    assert (state.last_status, state.next_due_at) == (
        JobStatus.SUCCEEDED,
        MONDAY_3AM + timedelta(days=14),
    )


async def test_work_that_fell_due_long_ago_runs_once(
    settings: Settings, engine: AsyncEngine
) -> None:
    clock = Clock(MONDAY_3AM + timedelta(days=30, hours=5))
    async with session_factory(engine)() as session, session.begin():
        await plan_job(session, job_id="full_check", next_due_at=MONDAY_3AM)
    calls = Calls(clock)
    runner, _ = runner_for(settings, engine, clock, [cron_spec("full_check", calls)])
    for _ in range(3):
        await runner.run("full_check")
    # Four weekly times were missed; the work is done once, and planned from now.
    assert calls.at == [clock.now]
    state = await state_of(engine, "full_check")
    assert state.next_due_at == MONDAY_3AM + timedelta(days=35)


async def test_a_failure_is_recorded_and_the_job_runs_again(
    settings: Settings, engine: AsyncEngine
) -> None:
    clock = Clock(MONDAY_3AM)
    calls = Calls(clock)
    calls.fail = RuntimeError("database of links unreachable")
    spec = JobSpec(
        id="rechecks", func=calls, trigger=IntervalTrigger(seconds=20), misfire_grace_time=20
    )
    runner, _ = runner_for(settings, engine, clock, [spec])
    await runner.run("rechecks")
    state = await state_of(engine, "rechecks")
    assert state.last_status == JobStatus.FAILED
    assert state.last_error is not None and "database of links unreachable" in state.last_error
    assert "RuntimeError" in state.last_error
    calls.fail = None
    clock.now += timedelta(seconds=20)
    await runner.run("rechecks")
    state = await state_of(engine, "rechecks")
    assert (state.last_status, state.last_error, state.last_started_at) == (
        JobStatus.SUCCEEDED,
        None,
        clock.now,
    )


async def test_no_job_runs_once_leadership_is_lost(settings: Settings, engine: AsyncEngine) -> None:
    clock = Clock(MONDAY_3AM)
    calls = Calls(clock)
    runner, leader = runner_for(settings, engine, clock, [cron_spec("full_check", calls)])
    leader.held = False
    await runner.run("full_check")
    assert calls.at == []
    assert runner.lost.is_set()
    async with session_factory(engine)() as session:
        assert await job_state(session, job_id="full_check") is None


async def test_no_job_starts_after_stop(settings: Settings, engine: AsyncEngine) -> None:
    clock = Clock(MONDAY_3AM)
    calls = Calls(clock)
    runner, _ = runner_for(settings, engine, clock, [cron_spec("full_check", calls)])
    runner.context.stop.set()
    await runner.run("full_check")
    assert calls.at == []


async def test_drain_waits_for_jobs_that_wind_down(settings: Settings, engine: AsyncEngine) -> None:
    clock = Clock(MONDAY_3AM)
    started = asyncio.Event()

    async def polite(context: JobContext) -> JobOutcome:
        started.set()
        await context.stop.wait()
        return JobOutcome(JobStatus.INTERRUPTED)

    spec = JobSpec(id="polite", func=polite, trigger=IntervalTrigger(hours=1), misfire_grace_time=1)
    runner, _ = runner_for(settings, engine, clock, [spec])
    job = asyncio.create_task(runner.run("polite"))
    async with asyncio.timeout(10):
        await started.wait()
    runner.context.stop.set()
    assert await runner.drain(grace=10)
    await job
    assert (await state_of(engine, "polite")).last_status == JobStatus.INTERRUPTED


async def test_drain_cuts_off_a_job_past_the_grace_and_records_it(
    settings: Settings, engine: AsyncEngine
) -> None:
    clock = Clock(MONDAY_3AM)
    started = asyncio.Event()

    async def stubborn(context: JobContext) -> JobOutcome:
        started.set()
        await asyncio.Event().wait()  # ignores stop
        return JobOutcome(JobStatus.SUCCEEDED)

    spec = JobSpec(
        id="stubborn", func=stubborn, trigger=IntervalTrigger(hours=1), misfire_grace_time=1
    )
    runner, _ = runner_for(settings, engine, clock, [spec])
    job = asyncio.create_task(runner.run("stubborn"))
    async with asyncio.timeout(10):
        await started.wait()
    runner.context.stop.set()
    assert not await runner.drain(grace=0.05)
    with pytest.raises(asyncio.CancelledError):
        await job
    assert (await state_of(engine, "stubborn")).last_status == JobStatus.INTERRUPTED


async def test_the_sweep_fires_what_the_database_says_is_due(
    settings: Settings, engine: AsyncEngine
) -> None:
    clock = Clock(MONDAY_3AM + timedelta(days=2))
    due, not_due = Calls(clock), Calls(clock)
    async with session_factory(engine)() as session, session.begin():
        await plan_job(session, job_id="overdue", next_due_at=MONDAY_3AM)
        await plan_job(session, job_id="later", next_due_at=MONDAY_3AM + timedelta(days=7))
    context = JobContext(
        settings=settings,
        sessions=session_factory(engine),
        clock=clock,
        stop=asyncio.Event(),
        executor=executor_for(settings),
    )
    scheduler, runner = build_scheduler(
        settings,
        context,
        Leader(),
        specs=lambda runner: [
            cron_spec("overdue", due),
            cron_spec("later", not_due),
            JobSpec(
                id="due_sweep",
                func=runner.sweep,
                trigger=IntervalTrigger(minutes=1),
                misfire_grace_time=60,
                at_start=True,
            ),
        ],
    )
    scheduler.start()
    try:
        async with asyncio.timeout(10):
            await due.called.wait()
            while "overdue" in runner.running:  # let its outcome be recorded
                await asyncio.wait([runner.running["overdue"]])
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
    assert due.at == [clock.now]
    assert not_due.at == []
    assert (await state_of(engine, "overdue")).last_status == JobStatus.SUCCEEDED


def test_the_jobs_are_rebuilt_from_settings(settings: Settings, engine: AsyncEngine) -> None:
    custom = settings.model_copy(
        update={
            "full_check_cron": "30 2 * * 0",
            "confirm_check_cron": "0 */12 * * *",
            "recheck_poll_seconds": 15.0,
            "timezone": "Europe/London",
        }
    )
    context = JobContext(
        settings=custom,
        sessions=session_factory(engine),
        clock=Clock(MONDAY_3AM),
        stop=asyncio.Event(),
        executor=executor_for(custom),
    )
    scheduler, runner = build_scheduler(custom, context, Leader())
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "full_check",
        "confirm_check",
        "rechecks",
        "refresh_reports",
        "review_reminders",
        "domain_watch",
        "mail_retry",
        "due_sweep",
    }
    for job in jobs.values():
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.args == (job.id,)
    # Due-based jobs run however late (once); polls no later than their own period.
    assert jobs["full_check"].misfire_grace_time is None
    assert jobs["confirm_check"].misfire_grace_time is None
    assert jobs["rechecks"].misfire_grace_time == 15
    assert jobs["rechecks"].trigger.interval == timedelta(seconds=15)
    # Crontab's Sunday (0), in London time: 02:30 BST is 01:30 UTC.
    full = jobs["full_check"].trigger
    fire = full.get_next_fire_time(None, MONDAY_3AM)
    assert fire.astimezone(UTC) == datetime(2026, 5, 10, 1, 30, tzinfo=UTC)
    assert runner.specs["full_check"].cron == "30 2 * * 0"
    assert runner.specs["confirm_check"].cron == "0 */12 * * *"
    # What runs at once on start: the polls and the sweep, which fires whatever is due.
    at_start = {spec.id for spec in runner.specs.values() if spec.at_start}
    assert at_start == {
        "rechecks",
        "refresh_reports",
        "review_reminders",
        "mail_retry",
        "due_sweep",
    }


async def test_a_changed_schedule_is_planned_at_start(
    settings: Settings, engine: AsyncEngine
) -> None:
    sessions = session_factory(engine)
    started = MONDAY_3AM
    async with sessions() as session, session.begin():
        await plan_job(session, job_id="full_check", next_due_at=started + timedelta(days=7))
        await start_job(session, job_id="full_check", now=started)
    daily = cron_spec("full_check", Calls(Clock(started)))
    daily = JobSpec(
        id=daily.id,
        func=daily.func,
        trigger=cron_trigger("0 3 * * *"),
        misfire_grace_time=None,
        cron="0 3 * * *",
    )
    # Two days later the schedule is daily: it was due yesterday, so it is due now.
    await plan_from_schedules(sessions, [daily], now=started + timedelta(days=2), timezone="UTC")
    state = await state_of(engine, "full_check")
    assert state.next_due_at == started + timedelta(days=1)
