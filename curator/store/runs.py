"""Queries over `runs`: starting, beating, finishing, recovering and finding check runs, and
reading a run's checks a page at a time.

None of them commits: the caller owns the transaction. Whatever a run's size, a query binds a
bounded number of values and returns a bounded number of rows (`RUN_PAGE`): settling a run of
100,000 URLs reads its checks page after page, never all at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, and_, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.errors import NotFoundError
from curator.store.base import ID_MAX, refresh_loaded
from curator.store.models import (
    Check,
    Guide,
    Resource,
    Run,
    RunPlan,
)

RUN_PAGE = 1000
"""URLs (or checks) a page of a run's checks holds: a query's bound values and rows stay
bounded whatever the run's size."""

# The tables, for the statements of a run's own path (starting, counting, finishing, reading
# its checks back): Core statements on them build no ORM object and never need the ORM's
# mapper configuration (about 20 ms of every `curator check`).
RUNS = cast(Table, Run.__table__)
PLANS = cast(Table, RunPlan.__table__)
CHECKS = cast(Table, Check.__table__)
RESOURCES = cast(Table, Resource.__table__)
GUIDES = cast(Table, Guide.__table__)


async def start_run(
    session: AsyncSession,
    *,
    trigger: RunTrigger,
    planned_urls: Sequence[str],
    started_at: datetime,
    guide_slug: str | None = None,
    owner: str | None = None,
    resumed_from_id: int | None = None,
) -> int:
    """Insert a new `running` run that sets out to check `planned_urls`, and its plan; its id.

    IntegrityError (`is_one_running_conflict`) when it is not a recheck and another run that
    is not a recheck is running.
    """
    inserted = await session.execute(
        insert(RUNS)
        .values(
            trigger=trigger,
            status=RunStatus.RUNNING,
            guide_slug=guide_slug,
            started_at=started_at,
            heartbeat_at=started_at,
            owner=owner,
            total_urls=len(planned_urls),
            checked_urls=0,
            counts={},
            resumed_from_id=resumed_from_id,
        )
        .returning(RUNS.c.id)
    )
    run_id = int(inserted.scalar_one())
    await session.execute(insert(PLANS).values(run_id=run_id, urls=list(planned_urls)))
    return run_id


async def planned_urls(session: AsyncSession, *, run_id: int) -> list[str]:
    """The URLs a run set out to check."""
    query = select(RunPlan.urls).where(RunPlan.run_id == run_id)
    return list((await session.execute(query)).scalar_one_or_none() or ())


async def count_checks(session: AsyncSession, *, run_id: int, stored: int, now: datetime) -> None:
    """Count `stored` more checks on the run, and say it is alive (one small row's update)."""
    await session.execute(
        update(RUNS)
        .where(RUNS.c.id == run_id)
        .values(checked_urls=RUNS.c.checked_urls + stored, heartbeat_at=now)
    )


async def get_run(session: AsyncSession, *, run_id: int) -> Run | None:
    """The run with this id, or None (an id no row can have included, such as a run number
    mistyped on the command line)."""
    if not 1 <= run_id <= ID_MAX:
        return None
    return await session.get(Run, run_id)


async def require_run(session: AsyncSession, *, run_id: int) -> Run:
    """The run with this id, or NotFoundError."""
    run = await get_run(session, run_id=run_id)
    if run is None:
        raise NotFoundError("run", run_id)
    return run


async def running_runs(session: AsyncSession) -> Sequence[Row[Any]]:
    """Every run whose row says `running` (live, or left so by a dead process), oldest first,
    as rows of the run's columns."""
    query = (
        select(RUNS)
        .where(RUNS.c.status == RunStatus.RUNNING)
        .order_by(RUNS.c.started_at, RUNS.c.id)
    )
    return (await session.execute(query)).all()


async def running_run(session: AsyncSession) -> Run | None:
    """The newest run still marked `running`, if any (the API answers 409 while one is)."""
    query = (
        select(Run)
        .where(Run.status == RunStatus.RUNNING)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def running_full_run(session: AsyncSession) -> Row[Any] | None:
    """The run other than a recheck marked `running`, if any, as a row of the run's columns
    (at most one: the database allows no second; rechecks run beside it)."""
    query = (
        select(RUNS)
        .where(RUNS.c.status == RunStatus.RUNNING, RUNS.c.trigger != RunTrigger.RECHECK)
        .order_by(RUNS.c.started_at.desc(), RUNS.c.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).first()


def is_one_running_conflict(exc: IntegrityError) -> bool:
    """True when an insert was refused because another run (not a recheck) is running."""
    message = str(exc.orig)
    return "uq_runs_one_running" in message or "runs.status" in message


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
    await session.execute(update(RUNS).where(RUNS.c.id == run_id).values(heartbeat_at=now))


async def finish_run(
    session: AsyncSession,
    *,
    run_id: int,
    status: RunStatus,
    counts: Mapping[str, int],
    finished_at: datetime,
    summary: str | None = None,
) -> None:
    """Close a run: its final status, counts per verdict, when it ended and why (one UPDATE;
    a run object this session holds is refreshed)."""
    values = {
        "status": status,
        "counts": dict(counts),
        "finished_at": finished_at,
        "heartbeat_at": finished_at,
        "summary": summary,
    }
    result = await session.execute(update(RUNS).where(RUNS.c.id == run_id).values(values))
    if not getattr(result, "rowcount", 1):
        raise NotFoundError("run", run_id)
    await refresh_loaded(session, Run, ids=[run_id], names=list(values))


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


async def chain_ids(session: AsyncSession, *, run_id: int) -> list[int]:
    """The ids of the run and of the interrupted runs it resumes, newest first (`run_chain`
    without loading the runs)."""
    chain: list[int] = []
    current: int | None = run_id
    while current is not None and current not in chain:
        query = select(RUNS.c.resumed_from_id).where(RUNS.c.id == current)
        found = (await session.execute(query)).first()
        if found is None:
            raise NotFoundError("run", current)
        chain.append(current)
        current = found.resumed_from_id
    return chain


async def checked_urls_page(
    session: AsyncSession, *, run_ids: Sequence[int], after: str | None, limit: int = RUN_PAGE
) -> list[str]:
    """The distinct URLs these runs checked, in order, after `after` (from the first when
    None), at most `limit`: the runs' URLs a page at a time."""
    query = select(Check.url).where(Check.run_id.in_(list(run_ids))).distinct()
    if after is not None:
        query = query.where(Check.url > after)
    query = query.order_by(Check.url).limit(limit)
    return list((await session.execute(query)).scalars())


SETTLING_COLUMNS = (
    "id",
    "run_id",
    "url",
    "checked_at",
    "verdict",
    "detail",
    "suggested_url",
    "evidence",
    "title",
    "heading",
    "site_name",
    "text_sample",
    "fingerprint",
)
"""What settling reads of a check: the verdict and its evidence, when, and the page's
snapshot."""


async def settling_page(
    session: AsyncSession, *, run_ids: Sequence[int], after: str | None, limit: int = RUN_PAGE
) -> Sequence[Row[Any]]:
    """The checks these runs made of the next `limit` distinct URLs they checked after `after`
    (from the first when None), as rows of `SETTLING_COLUMNS`, by URL and, for each URL, in
    the order they completed. One statement a page, binding no URL but `after` (the page's
    URLs are a subquery), building no ORM object."""
    checks = CHECKS
    chain = list(run_ids)
    urls = select(checks.c.url).where(checks.c.run_id.in_(chain)).distinct()
    if after is not None:
        urls = urls.where(checks.c.url > after)
    query = (
        select(*(checks.c[name] for name in SETTLING_COLUMNS))
        .where(
            checks.c.run_id.in_(chain),
            checks.c.url.in_(urls.order_by(checks.c.url).limit(limit)),
        )
        .order_by(checks.c.url, checks.c.checked_at, checks.c.id)
    )
    return (await session.execute(query)).all()


async def attempts_page(
    session: AsyncSession, *, run_ids: Sequence[int], after_id: int, limit: int = RUN_PAGE
) -> Sequence[Row[Any]]:
    """What the runs' checks say about the network, by check id after `after_id`, at most
    `limit`: rows of (id, url, hops, error_kind, status_code)."""
    c = CHECKS.c
    query = (
        select(c.id, c.url, c.hops, c.error_kind, c.status_code)
        .where(c.run_id.in_(list(run_ids)), c.id > after_id)
        .order_by(c.id)
        .limit(limit)
    )
    return (await session.execute(query)).all()


async def resumable_runs(
    session: AsyncSession, *, triggers: Sequence[str], since: datetime
) -> Sequence[Run]:
    """Interrupted or failed runs of `triggers` started since `since` and not yet resumed,
    newest first. A failed run is resumed like an interrupted one (its checks are kept), but
    a resumption that failed again is not: one bad cause does not loop."""
    later = aliased(Run)
    parent = aliased(Run)
    failed_twice = exists().where(
        parent.id == Run.resumed_from_id, parent.status == RunStatus.FAILED
    )
    query = (
        select(Run)
        .where(
            or_(
                Run.status == RunStatus.INTERRUPTED,
                and_(Run.status == RunStatus.FAILED, ~failed_twice),
            ),
            Run.trigger.in_(triggers),
            Run.started_at >= since,
            ~exists().where(later.resumed_from_id == Run.id),
        )
        .order_by(Run.started_at.desc(), Run.id.desc())
    )
    return (await session.execute(query)).scalars().all()


async def superseded(session: AsyncSession, *, run: Run) -> bool:
    """True when a fresh run of the same trigger (not a resumption) started after `run`."""
    query = select(
        exists().where(
            Run.trigger == run.trigger,
            Run.resumed_from_id.is_(None),
            Run.started_at > run.started_at,
            Run.id != run.id,
        )
    )
    return bool((await session.execute(query)).scalar_one())


async def latest_completed_run(
    session: AsyncSession, *, trigger: RunTrigger, finished_after: datetime
) -> Run | None:
    """The newest `completed` run of `trigger` that finished after `finished_after`, if any."""
    query = (
        select(Run)
        .where(
            Run.trigger == trigger,
            Run.status == RunStatus.COMPLETED,
            Run.finished_at > finished_after,
        )
        .order_by(Run.finished_at.desc(), Run.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def running_run_ids(session: AsyncSession, *, owner: str) -> list[int]:
    """The runs `owner` (a process) has marked `running`."""
    query = select(Run.id).where(Run.status == RunStatus.RUNNING, Run.owner == owner)
    return list((await session.execute(query)).scalars())


async def latest_finished_run(session: AsyncSession, *, guide_slug: str | None) -> Run | None:
    """The newest completed run that covered `guide_slug` (a run of every guide counts)."""
    query = select(Run).where(Run.status == RunStatus.COMPLETED, Run.finished_at.is_not(None))
    if guide_slug is not None:
        query = query.where(or_(Run.guide_slug.is_(None), Run.guide_slug == guide_slug))
    query = query.order_by(Run.finished_at.desc(), Run.id.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


async def inconclusive_runs(session: AsyncSession, *, guide_slug: str | None) -> int:
    """How many runs covering `guide_slug` (a run of every guide counts) ended inconclusive:
    the checker's network looked down, so nothing was concluded."""
    query = select(func.count()).select_from(Run).where(Run.status == RunStatus.INCONCLUSIVE)
    if guide_slug is not None:
        query = query.where(or_(Run.guide_slug.is_(None), Run.guide_slug == guide_slug))
    return int((await session.execute(query)).scalar_one())


async def check_ids_page(
    session: AsyncSession, *, run_id: int, after_id: int, limit: int = RUN_PAGE
) -> Sequence[Row[Any]]:
    """The run's own checks as rows of (id, url), by id after `after_id`, at most `limit`."""
    c = CHECKS.c
    query = (
        select(c.id, c.url).where(c.run_id == run_id, c.id > after_id).order_by(c.id).limit(limit)
    )
    return (await session.execute(query)).all()


async def results_page(
    session: AsyncSession,
    *,
    run_id: int,
    resource_ids: Sequence[int],
    verdicts: Collection[Verdict] | None = None,
) -> Sequence[Row[Any]]:
    """A page of the run's results (at most `RUN_PAGE` resources): for each of `resource_ids`
    whose URL the run checked (with `verdicts`, to one of those), one row of the resource
    (resource_id, guide_slug, key, title, url) and of the run's check of its URL (id, its
    facts and verdict; its evidence read for the rule only), in this order (what
    `curator.runs.results.result_of` unpacks); in no particular order of rows. One query,
    binding the resources' ids (a run checks a URL once)."""
    r, g, c = RESOURCES.c, GUIDES.c, CHECKS.c
    found = [c.run_id == run_id, c.url == r.url]
    if verdicts is not None:
        found.append(c.verdict.in_(list(verdicts)))
    # An outer join: SQLite then looks each resource's check up by its key (run, URL), and
    # never the page's resources up for each of the run's checks.
    query = (
        select(
            r.id.label("resource_id"),
            g.slug.label("guide_slug"),
            r.key,
            r.title,
            r.url,
            c.id,
            c.checked_at,
            c.verdict,
            c.detail,
            c.status_code,
            c.final_url,
            c.suggested_url,
            c.elapsed_ms,
            c.error_kind,
            c.attempts,
            c.evidence["rule"].as_string().label("rule"),
            c.suggestion,
            c.cert_expires_at,
            c.cert_issuer,
        )
        .join(GUIDES, r.guide_id == g.id)
        .outerjoin(CHECKS, and_(*found))
        .where(r.id.in_(list(resource_ids)))
    )
    return [row for row in (await session.execute(query)).all() if row.id is not None]
