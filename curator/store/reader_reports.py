"""Queries over `reader_reports`: readers' reports of broken links. None of them commits."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.base import chunks
from curator.store.models import ReaderReport

REPORTS_LOCK_CLASS = 0x63757261  # "cura": the advisory locks of readers' clients


async def lock_client(session: AsyncSession, *, client: str) -> None:
    """Serialize one client's reports until the transaction ends, so counting them and
    adding one is atomic however many connections the client opens at once.

    On PostgreSQL a transaction-level advisory lock on the client's hash; on SQLite the
    write transaction (BEGIN IMMEDIATE) already holds the one write lock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(client.encode()) - 2**31  # a stable int4 of the client
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": REPORTS_LOCK_CLASS, "key": key}
    )


async def reports_from_client(
    session: AsyncSession, *, client: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many reports a client (by its keyed hash) filed since `since`; the oldest's time."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(ReaderReport.created_at)).where(
                ReaderReport.client_hash == client, ReaderReport.created_at > since
            )
        )
    ).one()
    return int(count), oldest


async def resolve_open_reports(
    session: AsyncSession, *, resource_id: int, at: datetime, by: str, resolution: str
) -> int:
    """Close the resource's open reports, saying who closed them and why; returns how many
    were open."""
    result = await session.execute(
        update(ReaderReport)
        .where(ReaderReport.resource_id == resource_id, ReaderReport.resolved_at.is_(None))
        .values(resolved_at=at, resolved_by=by, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def reader_reports_for(
    session: AsyncSession, *, resource_ids: Collection[int], since: datetime | None
) -> Sequence[ReaderReport]:
    """Readers' reports on these resources still open, or made since `since`; oldest first."""
    found: list[ReaderReport] = []
    for chunk in chunks(list(resource_ids)):
        query = select(ReaderReport).where(ReaderReport.resource_id.in_(chunk))
        if since is not None:
            query = query.where(
                or_(ReaderReport.resolved_at.is_(None), ReaderReport.created_at >= since)
            )
        else:
            query = query.where(ReaderReport.resolved_at.is_(None))
        found.extend((await session.execute(query)).scalars())
    return sorted(found, key=lambda r: (r.created_at, r.id))


async def open_reports(
    session: AsyncSession, *, resource_ids: Collection[int] | None = None
) -> Sequence[ReaderReport]:
    """Unresolved readers' reports (of `resource_ids`, or of every resource), newest first."""
    query = (
        select(ReaderReport)
        .where(ReaderReport.resolved_at.is_(None))
        .order_by(ReaderReport.created_at.desc(), ReaderReport.id.desc())
    )
    if resource_ids is not None:
        if not resource_ids:
            return []
        query = query.where(ReaderReport.resource_id.in_(list(resource_ids)))
    return (await session.execute(query)).scalars().all()


async def reports_of_resource(session: AsyncSession, *, resource_id: int) -> Sequence[ReaderReport]:
    """Every report on one resource, resolved or not, newest first."""
    query = (
        select(ReaderReport)
        .where(ReaderReport.resource_id == resource_id)
        .order_by(ReaderReport.created_at.desc(), ReaderReport.id.desc())
    )
    return (await session.execute(query)).scalars().all()
