"""Queries over `checks`: one URL's facts and verdict in one run. None of them commits.

A run stores its checks in batches as they complete (`insert_checks`, one statement per
thousand rows, counted on the run's row in the same transaction), and amends a stored check
when it learns more (`amend_checks`: the host's probe, a suggestion); `unchecked_urls` tells a
resumed run what is left.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, null, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from curator.domain import RunStatus, Verdict
from curator.store.base import chunks, upsert
from curator.store.models import (
    Check,
    Run,
)
from curator.store.runs import count_checks, planned_urls

CHECKS = cast(Table, Check.__table__)
ROWS_PER_STATEMENT = 500
"""Check rows one INSERT carries (about 20 columns each: well under any parameter limit)."""


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


async def insert_checks(
    session: AsyncSession, *, run_id: int, rows: Sequence[Mapping[str, Any]], now: datetime
) -> None:
    """Store a batch of one run's checks (column values by name, each with `run_id` and `url`)
    in bulk, and count them on the run. A check already stored for its run and URL is replaced,
    so writing a batch again (a retried transaction) changes nothing."""
    if not rows:
        return
    for columns, group in _by_columns(rows).items():
        statement = upsert(session, CHECKS)
        statement = statement.on_conflict_do_update(
            index_elements=[CHECKS.c.run_id, CHECKS.c.url],
            set_={name: statement.excluded[name] for name in columns if name not in _KEY},
        )
        for chunk in chunks(group, ROWS_PER_STATEMENT):
            await session.execute(statement, list(chunk))
    await count_checks(session, run_id=run_id, stored=len(rows), now=now)


async def amend_checks(
    session: AsyncSession, *, run_id: int, changes: Mapping[str, Mapping[str, Any]]
) -> None:
    """Change stored checks of a run: `changes` maps a URL to the column values that change."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for url, values in changes.items():
        names = tuple(sorted(values))
        params = {f"new_{name}": value for name, value in values.items()}
        groups.setdefault(names, []).append({"key_run": run_id, "key_url": url, **params})
    for names, batch in groups.items():
        statement = (
            update(CHECKS)
            .where(CHECKS.c.run_id == bindparam("key_run"), CHECKS.c.url == bindparam("key_url"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        await session.execute(statement, batch)


_KEY = frozenset({"run_id", "url"})


def _by_columns(
    rows: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, ...], list[Mapping[str, Any]]]:
    """Rows grouped by the columns they give (one executemany needs the same keys)."""
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return groups


async def run_checks(session: AsyncSession, *, run_ids: Sequence[int]) -> Sequence[Check]:
    """The checks of these runs, in the order they completed, without their evidence and
    suggestion (what settling a run reads of 50,000 checks need not hold their largest
    columns; reading either raises)."""
    query = (
        select(Check)
        .where(Check.run_id.in_(run_ids))
        .order_by(Check.checked_at, Check.id)
        .options(defer(Check.evidence, raiseload=True), defer(Check.suggestion, raiseload=True))
    )
    return (await session.execute(query)).scalars().all()


async def unchecked_urls(session: AsyncSession, *, run_id: int) -> list[str]:
    """The URLs a run planned but has no check for (what resuming it must still do)."""
    planned = await planned_urls(session, run_id=run_id)
    done = set((await session.execute(select(Check.url).where(Check.run_id == run_id))).scalars())
    return [url for url in planned if url not in done]


async def latest_checks(
    session: AsyncSession, *, urls: Sequence[str] | None = None
) -> dict[str, Check]:
    """The most recent check of each URL (of `urls`, a chunk at a time, or of every URL ever
    checked)."""
    if urls is None:
        return await _latest_checks(session, None)
    found: dict[str, Check] = {}
    for chunk in chunks(list(dict.fromkeys(urls))):
        found.update(await _latest_checks(session, chunk))
    return found


async def _latest_checks(session: AsyncSession, urls: Sequence[str] | None) -> dict[str, Check]:
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
    evidence: Mapping[str, Any] | None = None
    """A parked check's evidence, the rule that decided it included (what tells a site
    harmful to readers from a parked page); None for other verdicts, whose evidence the
    history does not need."""


async def checks_by_id(session: AsyncSession, *, ids: Collection[int]) -> dict[int, Check]:
    """Check rows by id (the latest check of each link state, as evidence)."""
    found: dict[int, Check] = {}
    for chunk in chunks(list(ids)):
        result = await session.execute(select(Check).where(Check.id.in_(chunk)))
        found.update((check.id, check) for check in result.scalars())
    return found


async def check_points(
    session: AsyncSession, *, urls: Collection[str]
) -> dict[str, list[CheckPoint]]:
    """Every check of each URL, oldest first, except those of inconclusive runs; a parked
    check's evidence with it."""
    points: dict[str, list[CheckPoint]] = {url: [] for url in urls}
    # Only parked checks' evidence is read: the few that may have found a harmful site.
    parked = case((Check.verdict == Verdict.PARKED, Check.evidence), else_=null())
    for chunk in chunks(list(urls)):
        query = (
            select(
                Check.id,
                Check.url,
                Check.checked_at,
                Check.verdict,
                Check.fingerprint,
                type_coerce(parked, Check.evidence.type),
            )
            .join(Run, Check.run_id == Run.id)
            .where(Check.url.in_(chunk), Run.status != RunStatus.INCONCLUSIVE)
            .order_by(Check.url, Check.checked_at, Check.id)
        )
        rows = (await session.execute(query)).all()
        for check_id, url, checked_at, verdict, fingerprint, evidence in rows:
            points[url].append(
                CheckPoint(check_id, url, checked_at, verdict, fingerprint, evidence or None)
            )
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
