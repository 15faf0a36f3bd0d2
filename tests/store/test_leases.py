"""Leases (every backend) and PostgreSQL advisory locks: one holder at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from curator.store.engine import create_engine
from curator.store.leases import (
    acquire_lease,
    advisory_lock_holder,
    advisory_unlock,
    holds_advisory_lock,
    lease,
    release_lease,
    renew_lease,
    try_advisory_lock,
)
from tests.databases import TestDatabase
from tests.polling import wait_until

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


async def test_one_holder_until_the_lease_expires(session: AsyncSession) -> None:
    async with session.begin():
        assert await acquire_lease(session, name="scheduler", holder="a", now=NOW, ttl=TTL)
        assert not await acquire_lease(session, name="scheduler", holder="b", now=NOW, ttl=TTL)
        # The holder may take it again (a renewal by another name).
        assert await acquire_lease(session, name="scheduler", holder="a", now=NOW, ttl=TTL)
    later = NOW + TTL - timedelta(seconds=1)
    async with session.begin():
        assert not await acquire_lease(session, name="scheduler", holder="b", now=later, ttl=TTL)
    expired = NOW + TTL
    async with session.begin():
        assert await acquire_lease(session, name="scheduler", holder="b", now=expired, ttl=TTL)
    stored = await lease(session, name="scheduler")
    assert stored is not None
    assert (stored.holder, stored.acquired_at, stored.expires_at) == ("b", expired, expired + TTL)


async def test_renewal_keeps_others_out_and_fails_after_a_takeover(
    session: AsyncSession,
) -> None:
    async with session.begin():
        await acquire_lease(session, name="scheduler", holder="a", now=NOW, ttl=TTL)
    t1 = NOW + timedelta(seconds=20)
    async with session.begin():
        assert await renew_lease(session, name="scheduler", holder="a", now=t1, ttl=TTL)
    async with session.begin():
        assert not await acquire_lease(
            session, name="scheduler", holder="b", now=NOW + TTL, ttl=TTL
        )
        assert await acquire_lease(session, name="scheduler", holder="b", now=t1 + TTL, ttl=TTL)
        assert not await renew_lease(session, name="scheduler", holder="a", now=t1 + TTL, ttl=TTL)


async def test_release_lets_another_take_over_at_once(session: AsyncSession) -> None:
    async with session.begin():
        await acquire_lease(session, name="scheduler", holder="a", now=NOW, ttl=TTL)
        assert not await release_lease(session, name="scheduler", holder="b")
        assert await release_lease(session, name="scheduler", holder="a")
        assert await lease(session, name="scheduler") is None
        assert await acquire_lease(session, name="scheduler", holder="b", now=NOW, ttl=TTL)


async def test_advisory_lock_one_session_at_a_time(
    test_databases: dict[str, TestDatabase],
) -> None:
    database_url = test_databases["postgresql"].url
    # No pool: a pooled connection's session (and its lock) outlives close().
    engine = create_engine(database_url, poolclass=NullPool)
    key = 4242
    try:
        async with engine.connect() as first, engine.connect() as second:
            assert await advisory_lock_holder(first, key=key) is None
            assert await try_advisory_lock(first, key=key)
            assert await holds_advisory_lock(first, key=key)
            assert not await try_advisory_lock(second, key=key)
            assert not await holds_advisory_lock(second, key=key)
            assert await advisory_lock_holder(second, key=key) is not None
            # Ending the holder's session frees the lock, with no unlock call.
            await first.close()
            # The server ends the session (and frees the lock) a moment after the socket closes.
            await wait_until(
                lambda: try_advisory_lock(second, key=key), within=10, what="the lock freed"
            )
            assert await holds_advisory_lock(second, key=key)
            assert await advisory_unlock(second, key=key)
            assert not await advisory_unlock(second, key=key)
    finally:
        await engine.dispose()
