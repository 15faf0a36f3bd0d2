"""The recheck queue: one waiting request per resource, exclusive claims, draining."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.errors import NotFoundError
from curator.rechecks import (
    STALE_AFTER,
    RecheckReason,
    claim_rechecks,
    process_rechecks,
    queue_recheck,
)
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import session_factory
from curator.store.models import Guide, RecheckRequest, Resource, Section
from curator.store.rechecks import count_pending_rechecks, latest_rechecks
from tests.executors import FakeExecutor


async def _resources(session: AsyncSession, count: int) -> list[int]:
    guide = Guide(slug="g", title="G", editors=[], synced={})
    section = Section(guide=guide, title="S", position=1)
    rows = [
        Resource(
            guide=guide,
            section=section,
            key=f"r{i}",
            title=f"R{i}",
            url=f"https://r{i}.example.org/",
            position=i,
            expect_text=[],
            synced={},
        )
        for i in range(count)
    ]
    session.add_all([guide, section, *rows])
    await session.flush()
    return [r.id for r in rows]


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory on the test database."""
    return session_factory(engine)


async def test_one_waiting_request_per_resource(session: AsyncSession) -> None:
    async with session.begin():
        (resource_id,) = await _resources(session, 1)
        first = await queue_recheck(session, resource_id=resource_id, reason=RecheckReason.REPORT)
        second = await queue_recheck(
            session, resource_id=resource_id, reason=RecheckReason.EDITOR, requested_by="alex"
        )
        assert second.id == first.id
        assert await count_pending_rechecks(session) == 1
        with pytest.raises(NotFoundError):
            await queue_recheck(session, resource_id=resource_id + 100, reason="report")
    # Once started, a new request queues again.
    async with session.begin():
        assert [r.id for r in await claim_rechecks(session)] == [first.id]
    async with session.begin():
        third = await queue_recheck(session, resource_id=resource_id, reason="report")
        assert third.id != first.id


async def test_latest_rechecks_gives_each_resources_newest_request(
    session: AsyncSession,
) -> None:
    async with session.begin():
        first_id, second_id, never_id = await _resources(session, 3)
        older = await queue_recheck(session, resource_id=first_id, reason=RecheckReason.REPORT)
        await claim_rechecks(session)  # started: the next request is a new one
        newer = await queue_recheck(
            session, resource_id=first_id, reason=RecheckReason.EDITOR, requested_by="alex"
        )
        other = await queue_recheck(session, resource_id=second_id, reason="report")
        latest = await latest_rechecks(session, resource_ids=[first_id, second_id, never_id])
        assert newer.id != older.id
        assert {k: v.id for k, v in latest.items()} == {first_id: newer.id, second_id: other.id}
        assert await latest_rechecks(session, resource_ids=[]) == {}


async def test_two_claimers_never_take_the_same_request(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        ids = await _resources(session, 12)
        for resource_id in ids:
            await queue_recheck(session, resource_id=resource_id, reason="report")

    async def claim() -> list[int]:
        taken: list[int] = []
        while True:
            async with sessions() as session, session.begin():
                batch = await claim_rechecks(session, limit=3)
            if not batch:
                return taken
            taken.extend(r.id for r in batch)

    first, second, third = await asyncio.gather(claim(), claim(), claim())
    together = first + second + third
    assert len(together) == 12
    assert len(set(together)) == 12


async def test_a_claim_seen_by_two_is_won_by_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Both processes read the same pending row; only the first conditional update wins."""
    from curator.store.rechecks import claim_recheck, claimable_rechecks

    async with sessions() as session, session.begin():
        (resource_id,) = await _resources(session, 1)
        request = await queue_recheck(session, resource_id=resource_id, reason="report")
    now = utcnow()
    async with sessions() as a, a.begin():
        seen_a = await claimable_rechecks(a, stale_before=now - STALE_AFTER, limit=5)
    async with sessions() as b, b.begin():
        seen_b = await claimable_rechecks(b, stale_before=now - STALE_AFTER, limit=5)
    assert [r.id for r in seen_a] == [r.id for r in seen_b] == [request.id]
    async with sessions() as a, a.begin():
        won_a = await claim_recheck(a, request_id=request.id, seen_started_at=None, now=now)
    async with sessions() as b, b.begin():
        won_b = await claim_recheck(b, request_id=request.id, seen_started_at=None, now=now)
    assert (won_a, won_b) == (True, False)


async def test_an_abandoned_claim_is_taken_over_once_stale(session: AsyncSession) -> None:
    now = utcnow()
    async with session.begin():
        (resource_id,) = await _resources(session, 1)
        request = await queue_recheck(session, resource_id=resource_id, reason="report")
    async with session.begin():
        assert len(await claim_rechecks(session, now=now)) == 1
    async with session.begin():
        assert await claim_rechecks(session, now=now + STALE_AFTER / 2) == []
    later = now + STALE_AFTER + timedelta(seconds=1)
    async with session.begin():
        taken = await claim_rechecks(session, now=later)
    assert [r.id for r in taken] == [request.id]
    assert taken[0].started_at == later


async def test_process_rechecks_drains_in_batches(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessions() as session, session.begin():
        ids = await _resources(session, 5)
        for resource_id in ids:
            await queue_recheck(session, resource_id=resource_id, reason="report")
    recorder = FakeExecutor()
    batches = await process_rechecks(sessions, execute=recorder, limit=2)
    assert [b.resource_ids for b in batches] == [tuple(ids[0:2]), tuple(ids[2:4]), (ids[4],)]
    assert [c[0] for c in recorder.calls] == ["recheck"] * 3
    async with sessions() as session:
        rows = (await session.execute(select(RecheckRequest))).scalars().all()
        assert all(r.finished_at is not None and r.run_id is not None for r in rows)
        assert await count_pending_rechecks(session) == 0


async def test_a_failing_run_does_not_block_the_queue(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with sessions() as session, session.begin():
        (resource_id,) = await _resources(session, 1)
        await queue_recheck(session, resource_id=resource_id, reason="report")
    batches = await process_rechecks(sessions, execute=FakeExecutor(fail=True))
    assert [(b.resource_ids, b.run_id) for b in batches] == [((resource_id,), None)]
    assert await process_rechecks(sessions, execute=FakeExecutor()) == []
    assert any(r.exc_info for r in caplog.records)


async def test_stop_ends_the_drain(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessions() as session, session.begin():
        (resource_id,) = await _resources(session, 1)
        await queue_recheck(session, resource_id=resource_id, reason="report")
    stop = asyncio.Event()
    stop.set()
    recorder = FakeExecutor()
    assert await process_rechecks(sessions, execute=recorder, stop=stop) == []
    assert recorder.calls == []
