"""Queries over readers' reports. None of them commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.models import ReaderReport


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


async def resolve_open_reports(session: AsyncSession, *, resource_id: int, at: datetime) -> int:
    """Close the resource's open reports; returns how many were open."""
    result = await session.execute(
        update(ReaderReport)
        .where(ReaderReport.resource_id == resource_id, ReaderReport.resolved_at.is_(None))
        .values(resolved_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
