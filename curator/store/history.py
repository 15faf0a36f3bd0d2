"""Read models of the past, for editors: run summaries, and one resource's history.

Built from the table families' queries; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, RunTrigger, Verdict
from curator.store.catalog import resource_by_id
from curator.store.checks import checks_of_urls, verdict_counts
from curator.store.editor_actions import actions_of_resource
from curator.store.models import Resource, Run
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
