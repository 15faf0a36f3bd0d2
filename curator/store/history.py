"""Read models of the past, for editors: run summaries, and one resource's history.

Built from the table families' queries; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import SEVERITY, RunStatus, RunTrigger, Verdict, severity_rank
from curator.store.base import chunks
from curator.store.catalog import resource_by_id
from curator.store.checks import checks_of_urls, verdict_counts
from curator.store.editor_actions import actions_of_resource
from curator.store.models import Check, Guide, Resource, Run
from curator.store.problems import CheckEvidence, OpenReport, evidence_of, report_of
from curator.store.reader_reports import reports_of_resource

HISTORY_CHECKS = 200


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A check run: when, why, how it ended and how many URLs got each verdict."""

    id: int
    trigger: RunTrigger
    status: RunStatus
    guide_slug: str | None
    started_at: datetime
    finished_at: datetime | None
    total_urls: int
    checked_urls: int
    counts: dict[str, int]
    summary: str | None
    resumed_from_id: int | None

    @property
    def duration_seconds(self) -> float | None:
        """How long the run took, once it finished."""
        if self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


def _summary(run: Run, counts: dict[str, int] | None) -> RunSummary:
    # Every verdict present, zeros included, in the contract's order.
    merged = {v.value: 0 for v in Verdict}
    merged.update(run.counts or {} if counts is None else counts)
    return RunSummary(
        id=run.id,
        trigger=run.trigger,
        status=run.status,
        guide_slug=run.guide_slug,
        started_at=run.started_at,
        finished_at=run.finished_at,
        total_urls=run.total_urls,
        checked_urls=run.checked_urls,
        counts=merged,
        summary=run.summary,
        resumed_from_id=run.resumed_from_id,
    )


async def run_summaries(
    session: AsyncSession, *, limit: int = 50, before_id: int | None = None
) -> list[RunSummary]:
    """The newest runs first (those older than `before_id` when given, for paging)."""
    query = select(Run).order_by(Run.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(Run.id < before_id)
    runs = (await session.execute(query)).scalars().all()
    counts = await verdict_counts(session, run_ids=[r.id for r in runs])
    return [_summary(run, counts.get(run.id, {})) for run in runs]


async def run_summary(session: AsyncSession, *, run_id: int) -> RunSummary | None:
    """One run, or None."""
    run = await session.get(Run, run_id)
    if run is None:
        return None
    counts = await verdict_counts(session, run_ids=[run.id])
    return _summary(run, counts.get(run.id, {}))


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """Who did what to a resource, and when."""

    id: int
    at: datetime
    actor: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResourceHistory:
    """A resource's checks (of every URL it has had), editors' actions and readers' reports."""

    resource: Resource
    urls: tuple[str, ...]
    checks: tuple[CheckEvidence, ...]
    actions: tuple[ActionEntry, ...]
    reports: tuple[OpenReport, ...]


def _urls_in(payload: dict[str, Any]) -> list[str]:
    """URLs an action moved the resource away from (accept-suggestion and edit payloads)."""
    found = []
    for change in (payload.get("url"), (payload.get("fields") or {}).get("url")):
        if isinstance(change, dict) and isinstance(change.get("from"), str):
            found.append(change["from"])
    return found


async def resource_history(
    session: AsyncSession, *, resource_id: int, limit: int = HISTORY_CHECKS
) -> ResourceHistory | None:
    """Everything that happened to one resource, newest first; None when it does not exist."""
    resource = await resource_by_id(session, resource_id=resource_id)
    if resource is None:
        return None
    actions = await actions_of_resource(session, resource_id=resource_id)
    urls = [resource.url]
    for action in actions:
        for url in _urls_in(action.payload or {}):
            if url not in urls:
                urls.append(url)
    checks = await checks_of_urls(session, urls=urls, limit=limit)
    reports = await reports_of_resource(session, resource_id=resource_id)
    return ResourceHistory(
        resource=resource,
        urls=tuple(urls),
        checks=tuple(evidence_of(c) for c in checks),
        actions=tuple(
            ActionEntry(a.id, a.created_at, a.actor, a.action, dict(a.payload or {}))
            for a in actions
        ),
        reports=tuple(report_of(r) for r in reports),
    )


# --- a run's results ----------------------------------------------------------------------------

RESULTS_PAGE_MAX = 1000
"""Results one page of a run holds at most."""


@dataclass(frozen=True, slots=True)
class ResultResource:
    """A resource that lists a checked URL (several may share one)."""

    resource_id: int
    guide: str
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run found for one URL, and the resources that list it."""

    check_id: int
    url: str
    checked_at: datetime
    verdict: Verdict
    status_code: int | None
    detail: str
    final_url: str | None
    suggested_url: str | None
    error_kind: str | None
    elapsed_ms: int | None
    resources: tuple[ResultResource, ...]

    @property
    def cursor(self) -> str:
        """Where the next page starts: `verdict:check_id`."""
        return f"{self.verdict.value}:{self.check_id}"


@dataclass(frozen=True, slots=True)
class RunResults:
    """A page of a run's results, most severe verdict first, and the next page's cursor."""

    results: tuple[RunResult, ...]
    next_after: str | None


def parse_result_cursor(text: str) -> tuple[Verdict, int] | None:
    """A `verdict:check_id` cursor of run results; None when it is not one."""
    verdict, _, number = text.partition(":")
    if not number.isdigit() or len(number) > 18 or verdict not in {v.value for v in Verdict}:
        return None
    return Verdict(verdict), int(number)


def _rank() -> Any:
    return case({verdict.value: rank for rank, verdict in enumerate(SEVERITY)}, value=Check.verdict)


async def run_results(
    session: AsyncSession,
    *,
    run_id: int,
    after: tuple[Verdict, int] | None = None,
    limit: int = 200,
) -> RunResults:
    """A run's checks, most severe verdict first (then in the order stored), a page at a time
    from just after `after`; two queries a page whatever the run's size."""
    limit = max(1, min(limit, RESULTS_PAGE_MAX))
    rank = _rank()
    query = select(Check).where(Check.run_id == run_id)
    if after is not None:
        after_rank = severity_rank(after[0])
        query = query.where(or_(rank > after_rank, and_(rank == after_rank, Check.id > after[1])))
    checks = (
        (await session.execute(query.order_by(rank, Check.id).limit(limit + 1))).scalars().all()
    )
    more = len(checks) > limit
    checks = checks[:limit]
    listed: dict[str, list[ResultResource]] = {}
    urls = sorted({c.url for c in checks})
    for chunk in chunks(urls):
        rows = await session.execute(
            select(Resource.id, Guide.slug, Resource.key, Resource.title, Resource.url)
            .join(Guide, Resource.guide_id == Guide.id)
            .where(Resource.url.in_(chunk))
            .order_by(Guide.slug, Resource.key)
        )
        for resource_id, slug, key, title, url in rows.tuples():
            listed.setdefault(url, []).append(ResultResource(resource_id, slug, key, title))
    results = tuple(
        RunResult(
            check_id=c.id,
            url=c.url,
            checked_at=c.checked_at,
            verdict=c.verdict,
            status_code=c.status_code,
            detail=c.detail,
            final_url=c.final_url,
            suggested_url=c.suggested_url,
            error_kind=c.error_kind,
            elapsed_ms=c.elapsed_ms,
            resources=tuple(listed.get(c.url, ())),
        )
        for c in checks
    )
    return RunResults(results, results[-1].cursor if more and results else None)
