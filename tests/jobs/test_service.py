"""The scheduler process in-process: refuses an unmigrated database, and a restart runs what
fell due while it was down exactly once (SQLite lease and PostgreSQL advisory lock)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.domain import JobStatus
from curator.errors import StoreError
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.job_states import job_state, plan_job, start_job
from jobs.schedule import cron_trigger
from jobs.scheduler import JobRunner, JobSpec
from jobs.service import STOPPED, run_scheduler
from jobs.tasks import JobContext, JobOutcome
from tests.polling import wait_until

WEEKLY = "0 3 * * mon"


async def test_it_refuses_an_unmigrated_database(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url)
    with pytest.raises(StoreError, match="curator db upgrade"):
        await run_scheduler(settings, stop=asyncio.Event())


async def test_a_restart_runs_what_fell_due_while_down_exactly_once(
    settings: Settings, engine: AsyncEngine
) -> None:
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        # Last run five weeks ago; four weekly times passed while the service was down.
        await start_job(session, job_id="full_check", now=now - timedelta(weeks=5))
        await plan_job(session, job_id="full_check", next_due_at=now - timedelta(weeks=4))
    calls: list[datetime] = []

    async def full_check(context: JobContext) -> JobOutcome:
        calls.append(context.clock())
        return JobOutcome(JobStatus.SUCCEEDED)

    def specs(runner: JobRunner) -> list[JobSpec]:
        return [
            JobSpec(
                id="full_check",
                func=full_check,
                trigger=cron_trigger(WEEKLY),
                misfire_grace_time=None,
                cron=WEEKLY,
            ),
            JobSpec(
                id="due_sweep",
                func=runner.sweep,
                trigger=cron_trigger("* * * * *"),
                misfire_grace_time=60,
                at_start=True,
            ),
        ]

    quick = settings.model_copy(update={"scheduler_lease_seconds": 1.5})

    async def sweep_finished_after(moment: datetime) -> bool:
        async with sessions() as session:
            state = await job_state(session, job_id="due_sweep")
        return bool(state and state.last_finished_at and state.last_finished_at > moment)

    for start in range(3):  # started, stopped, started again, …
        started_at = datetime.now(UTC)
        stop = asyncio.Event()
        service = asyncio.create_task(run_scheduler(quick, stop=stop, specs=specs))
        await wait_until(
            lambda at=started_at: sweep_finished_after(at), within=30, what=f"start {start}'s sweep"
        )
        async with sessions() as session:
            sweep = await job_state(session, job_id="due_sweep")
        assert sweep is not None
        if start == 0:
            # The first start finds the missed work due, once; later starts find nothing.
            assert sweep.last_error == "woke full_check"
            await wait_until(lambda: _finished(sessions), within=30, what="the full check")
        else:
            assert sweep.last_error is None
        stop.set()
        async with asyncio.timeout(30):
            assert await service == STOPPED
    assert len(calls) == 1
    async with sessions() as session:
        state = await job_state(session, job_id="full_check")
    assert state is not None and state.next_due_at is not None
    assert state.next_due_at > now and state.next_due_at - now <= timedelta(days=7)


async def _finished(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        state = await job_state(session, job_id="full_check")
    return bool(state and state.last_status == JobStatus.SUCCEEDED)
