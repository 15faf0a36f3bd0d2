"""Queries over check runs, their checks and link states. None of them commits.

A run persists each check in its own short transaction (the caller's), so a crash loses at
most the URLs in flight; `unchecked_urls` tells a resumed run what is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.errors import NotFoundError
from curator.store.models import Check, LinkState, Run

# --- runs --------------------------------------------------------------------------------------


async def create_run(
    session: AsyncSession,
    *,
    trigger: RunTrigger,
    planned_urls: Sequence[str],
    started_at: datetime,
    guide_slug: str | None = None,
    owner: str | None = None,
    resumed_from_id: int | None = None,
) -> Run:
    """A new `running` run that sets out to check `planned_urls`."""
    run = Run(
        trigger=trigger,
        status=RunStatus.RUNNING,
        guide_slug=guide_slug,
        started_at=started_at,
        heartbeat_at=started_at,
        owner=owner,
        total_urls=len(planned_urls),
        checked_urls=0,
        counts={},
        planned_urls=list(planned_urls),
        resumed_from_id=resumed_from_id,
    )
    session.add(run)
    await session.flush()
    return run


async def get_run(session: AsyncSession, *, run_id: int) -> Run | None:
    """The run with this id, or None."""
    return await session.get(Run, run_id)


async def require_run(session: AsyncSession, *, run_id: int) -> Run:
    """The run with this id, or NotFoundError."""
    run = await get_run(session, run_id=run_id)
    if run is None:
        raise NotFoundError("run", run_id)
    return run


async def running_runs(session: AsyncSession) -> Sequence[Run]:
    """Every run whose row says `running` (live, or left so by a dead process), oldest first."""
    query = select(Run).where(Run.status == RunStatus.RUNNING).order_by(Run.started_at, Run.id)
    return (await session.execute(query)).scalars().all()


async def running_run(session: AsyncSession) -> Run | None:
    """The newest run still marked `running`, if any (the API answers 409 while one is)."""
    query = (
        select(Run)
        .where(Run.status == RunStatus.RUNNING)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def recent_runs(session: AsyncSession, *, limit: int = 20) -> Sequence[Run]:
    """The latest runs, newest first."""
    query = select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
    return (await session.execute(query)).scalars().all()


async def latest_interrupted_run(session: AsyncSession) -> Run | None:
    """The newest `interrupted` run not yet resumed by another run, if any."""
    resumed = select(Run.resumed_from_id).where(Run.resumed_from_id.is_not(None))
    query = (
        select(Run)
        .where(Run.status == RunStatus.INTERRUPTED, Run.id.not_in(resumed))
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def heartbeat(session: AsyncSession, *, run_id: int, now: datetime) -> None:
    """Record that the run's process is alive."""
    await session.execute(update(Run).where(Run.id == run_id).values(heartbeat_at=now))


async def finish_run(
    session: AsyncSession,
    *,
    run_id: int,
    status: RunStatus,
    counts: Mapping[str, int],
    finished_at: datetime,
    summary: str | None = None,
) -> Run:
    """Close a run: its final status, counts per verdict, when it ended and why."""
    run = await require_run(session, run_id=run_id)
    run.status = status
    run.counts = dict(counts)
    run.finished_at = finished_at
    run.heartbeat_at = finished_at
    run.summary = summary
    await session.flush()
    return run


async def mark_interrupted(
    session: AsyncSession, *, run_ids: Sequence[int], finished_at: datetime, summary: str
) -> int:
    """Mark runs left `running` (by a process that died) as `interrupted`; how many were."""
    if not run_ids:
        return 0
    result = await session.execute(
        update(Run)
        .where(Run.id.in_(run_ids), Run.status == RunStatus.RUNNING)
        .values(status=RunStatus.INTERRUPTED, finished_at=finished_at, summary=summary)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_chain(session: AsyncSession, *, run_id: int) -> list[Run]:
    """The run and the interrupted runs it resumes, newest first."""
    chain: list[Run] = []
    current: int | None = run_id
    while current is not None and all(r.id != current for r in chain):
        run = await require_run(session, run_id=current)
        chain.append(run)
        current = run.resumed_from_id
    return chain


# --- checks ------------------------------------------------------------------------------------


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


async def link_states(
    session: AsyncSession, *, urls: Sequence[str], for_update: bool = False
) -> dict[str, LinkState]:
    """The link-state rows of `urls` that exist; locked on PostgreSQL when `for_update`."""
    if not urls:
        return {}
    query = select(LinkState).where(LinkState.url.in_(urls))
    if for_update:
        query = query.with_for_update()
    return {row.url: row for row in (await session.execute(query)).scalars()}


LINK_STATE_FIELDS = (
    "verdict",
    "last_verdict",
    "detail",
    "suggested_url",
    "first_failure_at",
    "consecutive_failures",
    "last_ok_at",
    "last_checked_at",
)
"""The columns of a link state that confirmation decides (see curator.check.state)."""
SNAPSHOT_FIELDS = (
    "snapshot_title",
    "snapshot_heading",
    "snapshot_site_name",
    "snapshot_text",
    "snapshot_fingerprint",
    "snapshot_at",
)
"""The link's last good page; written only when a check renews it."""


async def upsert_link_state(
    session: AsyncSession, *, url: str, values: Mapping[str, Any], check_id: int | None
) -> None:
    """Write a URL's state, `values` keyed by LINK_STATE_FIELDS and SNAPSHOT_FIELDS (insert or
    update in one statement on both databases)."""
    unknown = set(values) - set(LINK_STATE_FIELDS) - set(SNAPSHOT_FIELDS)
    if unknown:
        raise ValueError(f"not link-state fields: {sorted(unknown)}")
    values = {**values, "last_check_id": check_id}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LinkState).values(url=url, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[LinkState.url], set_=values)
    )


async def failing_urls(session: AsyncSession) -> list[str]:
    """URLs whose latest checks failed (a streak is open): what confirmation rechecks."""
    query = (
        select(LinkState.url)
        .where(LinkState.consecutive_failures > 0)
        .order_by(LinkState.first_failure_at, LinkState.url)
    )
    return list((await session.execute(query)).scalars())


async def recently_ok_urls(
    session: AsyncSession, *, exclude: Sequence[str] = (), limit: int = 20
) -> list[str]:
    """URLs whose latest check worked, most recently first (controls for an outage)."""
    query = (
        select(LinkState.url)
        .where(LinkState.last_verdict.in_((Verdict.OK, Verdict.MOVED)))
        .order_by(LinkState.last_ok_at.desc(), LinkState.url)
        .limit(limit + len(exclude))
    )
    found = [u for u in (await session.execute(query)).scalars() if u not in set(exclude)]
    return found[:limit]
