"""Queries over the recheck queue (recheck_requests). None of them commits.

Claiming is a compare-and-set: `UPDATE … WHERE id = :id AND started_at IS NULL` (or, for a
claim abandoned by a crashed process, `AND started_at = :the_value_we_saw`), so however many
processes drain the queue at once, each request is taken by exactly one of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.models import RecheckRequest


async def pending_recheck(session: AsyncSession, *, resource_id: int) -> RecheckRequest | None:
    """The resource's queued recheck that no process has started yet, if any."""
    result = await session.execute(
        select(RecheckRequest)
        .where(RecheckRequest.resource_id == resource_id, RecheckRequest.started_at.is_(None))
        .order_by(RecheckRequest.id)
        .limit(1)
    )
    return result.scalar_one_or_none()


async def latest_rechecks(
    session: AsyncSession, *, resource_ids: Collection[int]
) -> dict[int, RecheckRequest]:
    """Each resource's most recent recheck request, by resource id, in one query whatever the
    number of resources (those never rechecked are absent)."""
    if not resource_ids:
        return {}
    latest = (
        select(func.max(RecheckRequest.id))
        .where(RecheckRequest.resource_id.in_(list(resource_ids)))
        .group_by(RecheckRequest.resource_id)
    )
    result = await session.execute(select(RecheckRequest).where(RecheckRequest.id.in_(latest)))
    return {request.resource_id: request for request in result.scalars()}


async def claimable_rechecks(
    session: AsyncSession, *, stale_before: datetime, limit: int
) -> Sequence[RecheckRequest]:
    """Requests nobody started, or whose claim was abandoned before `stale_before`, oldest first."""
    result = await session.execute(
        select(RecheckRequest)
        .where(
            RecheckRequest.finished_at.is_(None),
            or_(
                RecheckRequest.started_at.is_(None),
                RecheckRequest.started_at < stale_before,
            ),
        )
        .order_by(RecheckRequest.requested_at, RecheckRequest.id)
        .limit(limit)
    )
    return result.scalars().all()


async def claim_recheck(
    session: AsyncSession, *, request_id: int, seen_started_at: datetime | None, now: datetime
) -> bool:
    """Mark one request started if it still is as it was seen; True when this call won it."""
    seen = (
        RecheckRequest.started_at.is_(None)
        if seen_started_at is None
        else RecheckRequest.started_at == seen_started_at
    )
    result = await session.execute(
        update(RecheckRequest)
        .where(and_(RecheckRequest.id == request_id, RecheckRequest.finished_at.is_(None), seen))
        .values(started_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def finish_rechecks(
    session: AsyncSession, *, request_ids: Sequence[int], run_id: int | None, now: datetime
) -> None:
    """Mark claimed requests done, pointing at the run that rechecked them."""
    if not request_ids:
        return
    await session.execute(
        update(RecheckRequest)
        .where(RecheckRequest.id.in_(list(request_ids)))
        .values(finished_at=now, run_id=run_id)
        .execution_options(synchronize_session=False)
    )


async def count_pending_rechecks(session: AsyncSession) -> int:
    """How many requests wait to be started."""
    result = await session.execute(
        select(func.count())
        .select_from(RecheckRequest)
        .where(RecheckRequest.started_at.is_(None), RecheckRequest.finished_at.is_(None))
    )
    return int(result.scalar_one())
