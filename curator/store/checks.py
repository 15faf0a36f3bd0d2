"""Queries over `checks`: one URL's facts and verdict in one run. None of them commits.

A run persists each check in its own short transaction (the caller's), so a crash loses at
most the URLs in flight; `unchecked_urls` tells a resumed run what is left.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, Verdict
from curator.store.models import (
    Check,
    Run,
)
from curator.store.runs import require_run


async def add_check(session: AsyncSession, *, check: Check) -> Check:
    """Store one URL's check in its run, and count it on the run."""
    session.add(check)
    await session.execute(
        update(Run)
        .where(Run.id == check.run_id)
        .values(checked_urls=Run.checked_urls + 1, heartbeat_at=check.checked_at)
    )
    await session.flush()
    return check


async def set_suggestion(
    session: AsyncSession,
    *,
    check_id: int,
    suggestion: dict[str, Any] | None,
    suggested_url: str | None,
) -> None:
    """Record where a stored check's page is now (found after the check was stored)."""
    await session.execute(
        update(Check)
        .where(Check.id == check_id)
        .values(suggestion=suggestion, suggested_url=suggested_url)
    )


async def run_checks(session: AsyncSession, *, run_ids: Sequence[int]) -> Sequence[Check]:
    """The checks of these runs, in the order they completed."""
    query = select(Check).where(Check.run_id.in_(run_ids)).order_by(Check.checked_at, Check.id)
    return (await session.execute(query)).scalars().all()


async def unchecked_urls(session: AsyncSession, *, run_id: int) -> list[str]:
    """The URLs a run planned but has no check for (what resuming it must still do)."""
    run = await require_run(session, run_id=run_id)
    done = set((await session.execute(select(Check.url).where(Check.run_id == run_id))).scalars())
    return [url for url in run.planned_urls if url not in done]


async def latest_checks(
    session: AsyncSession, *, urls: Sequence[str] | None = None
) -> dict[str, Check]:
    """The most recent check of each URL (of `urls`, or of every URL ever checked)."""
    newest = select(Check.url, func.max(Check.checked_at).label("at")).group_by(Check.url)
    if urls is not None:
        newest = newest.where(Check.url.in_(urls))
    latest = newest.subquery()
    query = (
        select(Check)
        .join(latest, (Check.url == latest.c.url) & (Check.checked_at == latest.c.at))
        .order_by(Check.id)
    )
    return {c.url: c for c in (await session.execute(query)).scalars()}


async def url_history(session: AsyncSession, *, url: str, limit: int = 50) -> Sequence[Check]:
    """The checks of one URL, newest first."""
    query = (
        select(Check)
        .where(Check.url == url)
        .order_by(Check.checked_at.desc(), Check.id.desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


# --- link states -------------------------------------------------------------------------------


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


async def verdict_counts(
    session: AsyncSession, *, run_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Checks per verdict value of each run, counted from the check rows themselves."""
    if not run_ids:
        return {}
    rows = await session.execute(
        select(Check.run_id, Check.verdict, func.count())
        .where(Check.run_id.in_(list(run_ids)))
        .group_by(Check.run_id, Check.verdict)
    )
    counts: dict[int, dict[str, int]] = {}
    for run_id, verdict, count in rows:
        counts.setdefault(run_id, {})[Verdict(verdict).value] = int(count)
    return counts


async def checks_of_urls(
    session: AsyncSession, *, urls: Sequence[str], limit: int
) -> Sequence[Check]:
    """The checks of any of `urls`, newest first, at most `limit`."""
    query = (
        select(Check)
        .where(Check.url.in_(list(urls)))
        .order_by(Check.checked_at.desc(), Check.id.desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()
