"""Queries behind the refresh report: link states, check history, readers' reports, runs.

None of them commits; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, Verdict
from curator.store.models import Check, Guide, LinkState, ReaderReport, Resource, Run


@dataclass(frozen=True, slots=True)
class CheckPoint:
    """One past check of a URL, reduced to what the report's history needs."""

    check_id: int
    url: str
    checked_at: datetime
    verdict: Verdict
    fingerprint: str | None


async def checks_by_id(session: AsyncSession, *, ids: Collection[int]) -> dict[int, Check]:
    """Check rows by id (the latest check of each link state, as evidence)."""
    if not ids:
        return {}
    result = await session.execute(select(Check).where(Check.id.in_(list(ids))))
    return {check.id: check for check in result.scalars()}


async def check_points(
    session: AsyncSession, *, urls: Collection[str]
) -> dict[str, list[CheckPoint]]:
    """Every check of each URL, oldest first, except those of inconclusive runs."""
    if not urls:
        return {}
    query = (
        select(Check.id, Check.url, Check.checked_at, Check.verdict, Check.fingerprint)
        .join(Run, Check.run_id == Run.id)
        .where(Check.url.in_(list(urls)), Run.status != RunStatus.INCONCLUSIVE)
        .order_by(Check.url, Check.checked_at, Check.id)
    )
    points: dict[str, list[CheckPoint]] = {url: [] for url in urls}
    for check_id, url, checked_at, verdict, fingerprint in (await session.execute(query)).all():
        points[url].append(CheckPoint(check_id, url, checked_at, verdict, fingerprint))
    return points


async def reader_reports_for(
    session: AsyncSession, *, resource_ids: Collection[int], since: datetime | None
) -> Sequence[ReaderReport]:
    """Readers' reports on these resources still open, or made since `since`; oldest first."""
    if not resource_ids:
        return []
    query = select(ReaderReport).where(ReaderReport.resource_id.in_(list(resource_ids)))
    if since is not None:
        query = query.where(
            or_(ReaderReport.resolved_at.is_(None), ReaderReport.created_at >= since)
        )
    else:
        query = query.where(ReaderReport.resolved_at.is_(None))
    query = query.order_by(ReaderReport.created_at, ReaderReport.id)
    return (await session.execute(query)).scalars().all()


async def run_by_id(session: AsyncSession, *, run_id: int) -> Run | None:
    """The run with this id, or None."""
    return await session.get(Run, run_id)


async def latest_finished_run(session: AsyncSession, *, guide_slug: str | None) -> Run | None:
    """The newest completed run that covered `guide_slug` (a run of every guide counts)."""
    query = select(Run).where(Run.status == RunStatus.COMPLETED, Run.finished_at.is_not(None))
    if guide_slug is not None:
        query = query.where(or_(Run.guide_slug.is_(None), Run.guide_slug == guide_slug))
    query = query.order_by(Run.finished_at.desc(), Run.id.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


async def set_baseline_fingerprint(
    session: AsyncSession, *, url: str, fingerprint: str | None
) -> None:
    """Record the visible-text fingerprint a URL's later checks are compared with."""
    await session.execute(
        update(LinkState).where(LinkState.url == url).values(baseline_fingerprint=fingerprint)
    )


async def review_dates_by_url(
    session: AsyncSession, *, urls: Collection[str]
) -> dict[str, date | None]:
    """For each URL, the latest `last_reviewed` among the guides that list it (not retired)."""
    if not urls:
        return {}
    result = await session.execute(
        select(Resource.url, func.max(Guide.last_reviewed))
        .join(Guide, Resource.guide_id == Guide.id)
        .where(Resource.url.in_(list(urls)), Resource.retired_at.is_(None))
        .group_by(Resource.url)
    )
    dates: dict[str, date | None] = {url: None for url in urls}
    for url, reviewed in result.all():
        dates[url] = reviewed
    return dates
