"""Who may act alone: named leases (any backend) and PostgreSQL advisory locks. None commits.

A lease is a row naming its holder and an expiry; the holder renews it, and anyone may take it
once it has expired. An advisory lock is PostgreSQL's own: held by one session (connection)
until it is released or the connection ends, so a dead holder frees it at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, or_, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from curator.store.base import upsert
from curator.store.models import Lease


async def lease(session: AsyncSession, *, name: str) -> Lease | None:
    """The lease called `name` as stored (held or expired), or None."""
    return await session.get(Lease, name, populate_existing=True)


async def acquire_lease(
    session: AsyncSession, *, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew the lease until `now + ttl`; False while someone else holds it unexpired."""
    expires_at = now + ttl
    taken: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
        .values(holder=holder, acquired_at=now, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:
        return True
    values = {"name": name, "holder": holder, "acquired_at": now, "expires_at": expires_at}
    insert = upsert(session, Lease)
    # RETURNING, not the row count: psycopg reports -1 for an INSERT … ON CONFLICT.
    created = await session.execute(
        insert.values(values).on_conflict_do_nothing().returning(Lease.name)
    )
    return created.first() is not None


async def renew_lease(
    session: AsyncSession, *, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Extend a lease `holder` still holds; False if it was taken over (or never held)."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def release_lease(session: AsyncSession, *, name: str, holder: str) -> bool:
    """Give the lease up so another process may take it at once; False if not held."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def try_advisory_lock(connection: AsyncConnection, *, key: int) -> bool:
    """Take PostgreSQL's session-level advisory lock `key` on this connection if it is free."""
    result = await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
    return bool(result.scalar_one())


async def advisory_unlock(connection: AsyncConnection, *, key: int) -> bool:
    """Release advisory lock `key` held by this connection's session; False if it held none."""
    result = await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    return bool(result.scalar_one())


_HOLDER = (
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
    " AND ((classid::bigint << 32) | objid::bigint) = :key"
)


async def advisory_lock_holder(connection: AsyncConnection, *, key: int) -> int | None:
    """The server process id holding advisory lock `key` (0 <= key < 2**63), or None if free."""
    result = await connection.execute(text(_HOLDER), {"key": key})
    return result.scalar_one_or_none()


async def holds_advisory_lock(connection: AsyncConnection, *, key: int) -> bool:
    """True while this connection's own session holds advisory lock `key`."""
    result = await connection.execute(
        text(f"SELECT EXISTS ({_HOLDER} AND pid = pg_backend_pid())"), {"key": key}
    )
    return bool(result.scalar_one())
