"""job_states queries: a due job is claimed once, its outcome recorded (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.domain import JobStatus
from curator.store.engine import session_factory
from curator.store.job_states import (
    all_job_states,
    claim_due_job,
    finish_job,
    job_state,
    plan_job,
    start_job,
)

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


async def test_a_job_never_planned_is_claimed_and_planned(session: AsyncSession) -> None:
    async with session.begin():
        assert await claim_due_job(session, job_id="full_check", now=NOW, next_due_at=NOW + WEEK)
    state = await job_state(session, job_id="full_check")
    assert state is not None
    assert (state.last_started_at, state.next_due_at, state.last_status) == (
        NOW,
        NOW + WEEK,
        JobStatus.RUNNING,
    )


async def test_a_claimed_job_is_not_due_again_until_its_next_time(session: AsyncSession) -> None:
    async with session.begin():
        await claim_due_job(session, job_id="full_check", now=NOW, next_due_at=NOW + WEEK)
    for later in (NOW, NOW + timedelta(days=6)):
        async with session.begin():
            assert not await claim_due_job(
                session, job_id="full_check", now=later, next_due_at=later + WEEK
            )
    async with session.begin():
        assert await claim_due_job(
            session, job_id="full_check", now=NOW + WEEK, next_due_at=NOW + 2 * WEEK
        )


async def test_racing_claims_for_one_due_time_have_one_winner(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await plan_job(session, job_id="confirm_check", next_due_at=NOW)

    async def claim() -> bool:
        async with sessions() as session, session.begin():
            return await claim_due_job(
                session, job_id="confirm_check", now=NOW, next_due_at=NOW + WEEK
            )

    results = await asyncio.gather(*(claim() for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_outcomes_are_recorded_with_the_error(session: AsyncSession) -> None:
    async with session.begin():
        await start_job(session, job_id="rechecks", now=NOW)
        await finish_job(
            session,
            job_id="rechecks",
            now=NOW + timedelta(seconds=3),
            status=JobStatus.FAILED,
            error="boom",
        )
        state = await job_state(session, job_id="rechecks")
    assert state is not None
    assert (state.last_status, state.last_error, state.last_finished_at) == (
        JobStatus.FAILED,
        "boom",
        NOW + timedelta(seconds=3),
    )
    async with session.begin():
        await start_job(session, job_id="rechecks", now=NOW + WEEK)
        await finish_job(session, job_id="rechecks", now=NOW + WEEK, status=JobStatus.SUCCEEDED)
    state = await job_state(session, job_id="rechecks")
    assert state is not None
    assert (state.last_status, state.last_error, state.next_due_at) == (
        JobStatus.SUCCEEDED,
        None,
        None,
    )
    assert [s.job_id for s in await all_job_states(session)] == ["rechecks"]
