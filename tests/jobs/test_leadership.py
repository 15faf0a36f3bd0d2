"""One active scheduler: lease leadership (any backend, clock injected) and advisory locks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.store.engine import session_factory
from curator.store.leases import lease
from jobs.leadership import AdvisoryLeadership, LeaseLeadership, leadership_for
from tests.databases import TestDatabase
from tests.polling import wait_until

START = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def stopped() -> asyncio.Event:
    """A stop event already set: `acquire` tries once and does not wait."""
    event = asyncio.Event()
    event.set()
    return event


async def test_lease_one_leader_until_it_stops_renewing(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    clock = Clock(START)
    a = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="a")
    b = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="b")
    assert a.check_interval == 10
    assert await a.acquire(stopped())
    assert not await b.acquire(stopped())
    # Renewals keep it: 50 s later, a renewed at 20 s and 40 s, so b still waits.
    for _ in range(2):
        clock.now += timedelta(seconds=20)
        assert await a.keep()
    clock.now += timedelta(seconds=10)
    assert not await b.acquire(stopped())
    # a stops renewing (hung or dead): once its lease expires, b takes over and a knows.
    clock.now += timedelta(seconds=30)
    assert await b.acquire(stopped())
    assert not await a.keep()
    assert await b.keep()
    async with sessions() as session:
        held = await lease(session, name="scheduler")
    assert held is not None and held.holder == "b"


async def test_lease_release_hands_over_at_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    clock = Clock(START)
    a = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="a")
    b = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="b")
    assert await a.acquire(stopped())
    await a.release()
    assert await b.acquire(stopped())
    assert not await a.keep()


async def test_a_standby_waits_and_takes_over(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    clock = Clock(START)
    a = LeaseLeadership(sessions, ttl_seconds=0.3, clock=clock, holder="a")
    b = LeaseLeadership(sessions, ttl_seconds=0.3, clock=clock, holder="b")
    assert await a.acquire(stopped())
    standby = asyncio.create_task(b.acquire(asyncio.Event()))
    clock.now += timedelta(seconds=1)  # a's lease has expired
    async with asyncio.timeout(10):
        assert await standby


async def test_a_standby_stops_waiting_when_told(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    clock = Clock(START)
    a = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="a")
    b = LeaseLeadership(sessions, ttl_seconds=30, clock=clock, holder="b")
    assert await a.acquire(stopped())
    stop = asyncio.Event()
    standby = asyncio.create_task(b.acquire(stop))
    stop.set()
    async with asyncio.timeout(10):
        assert not await standby


async def test_advisory_one_leader_and_a_dead_connection_hands_over(
    test_databases: dict[str, TestDatabase],
) -> None:
    url = test_databases["postgresql"].url
    a = AdvisoryLeadership(url, retry_seconds=0.1, key=777001, holder="a")
    b = AdvisoryLeadership(url, retry_seconds=0.1, key=777001, holder="b")
    try:
        assert await a.acquire(stopped())
        assert not await b.acquire(stopped())
        assert await a.keep()
        # The server ends a's session, as when its process is killed or its network drops.
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'curator scheduler a'"
            )
        assert not await a.keep()
        await wait_until(lambda: b.acquire(stopped()), within=10, what="b to take over")
        assert await b.keep()
    finally:
        await a.release()
        await b.release()


async def test_advisory_a_hung_leader_is_replaced(
    test_databases: dict[str, TestDatabase],
) -> None:
    url = test_databases["postgresql"].url
    a = AdvisoryLeadership(url, retry_seconds=0.1, stale_after=1.0, key=777003, holder="a")
    b = AdvisoryLeadership(url, retry_seconds=0.1, stale_after=1.0, key=777003, holder="b")
    try:
        assert await a.acquire(stopped())
        # While a checks in on time it keeps leading, well past one period.
        for _ in range(15):
            assert await a.keep()
            assert not await b.acquire(stopped())
            await asyncio.sleep(0.1)
        # a hangs (SIGSTOP, a blocked loop): its connection stays open but silent. The server
        # ends the silent session, and b takes over.
        async with asyncio.timeout(10):
            assert await b.acquire(asyncio.Event())
        assert not await a.keep()  # woken up, a learns it no longer leads
        assert await b.keep()
    finally:
        await a.release()
        await b.release()


async def test_advisory_release_hands_over(
    test_databases: dict[str, TestDatabase],
) -> None:
    url = test_databases["postgresql"].url
    a = AdvisoryLeadership(url, retry_seconds=0.1, key=777002, holder="a")
    b = AdvisoryLeadership(url, retry_seconds=0.1, key=777002, holder="b")
    try:
        assert await a.acquire(stopped())
        standby = asyncio.create_task(b.acquire(asyncio.Event()))
        await a.release()
        async with asyncio.timeout(10):
            assert await standby
        assert not await a.keep()
    finally:
        await b.release()


async def test_leadership_is_an_advisory_lock_on_postgresql_and_a_lease_elsewhere(
    engine: AsyncEngine, database_url: str
) -> None:
    chosen = leadership_for(database_url, session_factory(engine), seconds=30, clock=lambda: START)
    expected = AdvisoryLeadership if database_url.startswith("postgresql") else LeaseLeadership
    assert isinstance(chosen, expected)
    await chosen.release()
