"""The editors' problems list, a read model built on the table families; nothing here writes.

A problem is a live resource whose link is not in the working group (broken, moved or
unverifiable), whose latest checks fail without being confirmed yet (status "unknown", with
the latest verdict), or that readers reported and no editor has dealt with yet. Snoozed
resources stay hidden until their date. Most severe first (curator.domain.SEVERITY), then the
oldest failure first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from curator.domain import SEVERITY, Group, Verdict, group_of, severity_rank
from curator.store import reader_reports
from curator.store.checks import checks_by_id
from curator.store.models import Check, Guide, LinkState, ReaderReport, Resource
from curator.suggestions import Suggestion

_FAR = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CheckEvidence:
    """What the latest check of a link saw."""

    check_id: int
    run_id: int
    url: str
    checked_at: datetime
    verdict: Verdict
    detail: str
    status_code: int | None
    final_url: str | None
    title: str | None
    error_kind: str | None
    elapsed_ms: int | None
    attempts: int
    hops: tuple[dict[str, Any], ...]
    evidence: dict[str, Any]
    suggestion: Suggestion | None = None
    """Where the page is now, how it was found and how sure curator is."""


@dataclass(frozen=True, slots=True)
class OpenReport:
    """A reader's report as editors see it."""

    id: int
    resource_id: int
    created_at: datetime
    note: str
    contact: str | None
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class Problem:
    """One resource that needs an editor, with the evidence and what to do about it."""

    resource_id: int
    guide: str
    guide_title: str
    key: str
    title: str
    url: str
    section: str | None
    verdict: Verdict | None
    last_verdict: Verdict | None
    detail: str | None
    since: datetime | None
    consecutive_failures: int
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    suggested_url: str | None
    evidence: CheckEvidence | None
    reports: tuple[OpenReport, ...]
    pending: bool = False
    """The latest checks failed, not yet long enough to be confirmed: `verdict` is the latest."""

    @property
    def status(self) -> Group:
        """The group of the link's verdict; "unknown" when it was never checked or its failure
        is not confirmed yet."""
        if self.verdict is None or self.pending:
            return Group.UNKNOWN
        return group_of(self.verdict)

    @property
    def suggestion(self) -> Suggestion | None:
        """Where the page is now (the latest check's suggestion), if curator knows."""
        return self.evidence.suggestion if self.evidence is not None else None

    def sort_key(self) -> tuple[int, datetime, int]:
        """Most severe first (an unconfirmed failure with the unknowns), then the oldest
        failure (or report), then by id."""
        if self.verdict is None:
            rank = len(SEVERITY)
        else:
            rank = severity_rank(Verdict.TRANSIENT if self.pending else self.verdict)
        oldest_report = min((r.created_at for r in self.reports), default=_FAR)
        return (rank, self.since or oldest_report, self.resource_id)


def evidence_of(check: Check) -> CheckEvidence:
    """A check row as evidence."""
    return CheckEvidence(
        check_id=check.id,
        run_id=check.run_id,
        url=check.url,
        checked_at=check.checked_at,
        verdict=check.verdict,
        detail=check.detail,
        status_code=check.status_code,
        final_url=check.final_url,
        title=check.title,
        error_kind=check.error_kind,
        elapsed_ms=check.elapsed_ms,
        attempts=check.attempts,
        hops=tuple(dict(h) for h in (check.hops or []) if isinstance(h, dict)),
        evidence=dict(check.evidence or {}),
        suggestion=Suggestion.from_json(check.suggestion),
    )


def report_of(row: ReaderReport) -> OpenReport:
    """A report row as editors see it."""
    return OpenReport(
        row.id, row.resource_id, row.created_at, row.note, row.contact, row.resolved_at
    )


async def open_reports(
    session: AsyncSession, *, resource_ids: Collection[int] | None = None
) -> dict[int, list[OpenReport]]:
    """Unresolved readers' reports by resource, newest first."""
    reports: dict[int, list[OpenReport]] = {}
    for row in await reader_reports.open_reports(session, resource_ids=resource_ids):
        reports.setdefault(row.resource_id, []).append(report_of(row))
    return reports


async def problems(
    session: AsyncSession, *, now: datetime, guide_slug: str | None = None
) -> list[Problem]:
    """Every live, unsnoozed resource needing an editor, most severe first, then oldest."""
    query = (
        select(Resource, LinkState)
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(LinkState, LinkState.url == Resource.url)
        .where(Resource.retired_at.is_(None))
        .options(selectinload(Resource.guide), selectinload(Resource.section))
    )
    if guide_slug is not None:
        query = query.where(Guide.slug == guide_slug)
    rows: Sequence[Any] = (await session.execute(query)).all()
    reports = await open_reports(session)
    chosen: list[tuple[Resource, LinkState | None]] = []
    for resource, state in rows:
        if resource.snoozed_until is not None and resource.snoozed_until > now:
            continue
        verdict = _verdict(state)
        failing = verdict is not None and group_of(verdict) is not Group.WORKING
        if failing or _pending(state) or resource.id in reports:
            chosen.append((resource, state))
    checks = await checks_by_id(
        session, ids=[s.last_check_id for _, s in chosen if s is not None and s.last_check_id]
    )
    found = [
        _problem(
            resource,
            state,
            checks.get(state.last_check_id) if state and state.last_check_id else None,
            reports.get(resource.id, []),
        )
        for resource, state in chosen
    ]
    return sorted(found, key=Problem.sort_key)


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """What editors are told of a link now: its group, the verdict shown, and whether that
    verdict is a failure not confirmed yet."""

    status: Group
    verdict: Verdict | None
    pending: bool


def link_status(state: LinkState | None) -> LinkStatus:
    """A link's status as the problems list tells it (the one place the lists derive it)."""
    verdict, pending = _verdict(state), _pending(state)
    if verdict is None or pending:
        return LinkStatus(Group.UNKNOWN, verdict, pending)
    return LinkStatus(group_of(verdict), verdict, pending)


def _pending(state: LinkState | None) -> bool:
    """True while the latest checks fail but the failure is not confirmed yet."""
    if state is None or state.consecutive_failures == 0:
        return False
    return state.verdict is None or group_of(state.verdict) is not Group.BROKEN


def _verdict(state: LinkState | None) -> Verdict | None:
    """The confirmed verdict; the latest one for a link never confirmed or failing unconfirmed."""
    if state is None:
        return None
    if _pending(state):
        return state.last_verdict
    return state.verdict or state.last_verdict


def _problem(
    resource: Resource, state: LinkState | None, check: Check | None, reports: Sequence[OpenReport]
) -> Problem:
    return Problem(
        resource_id=resource.id,
        guide=resource.guide.slug,
        guide_title=resource.guide.title,
        key=resource.key,
        title=resource.title,
        url=resource.url,
        section=resource.section.title if resource.section is not None else None,
        verdict=_verdict(state),
        last_verdict=state.last_verdict if state is not None else None,
        detail=state.detail if state is not None else None,
        since=state.first_failure_at if state is not None else None,
        consecutive_failures=state.consecutive_failures if state is not None else 0,
        last_checked_at=state.last_checked_at if state is not None else None,
        last_ok_at=state.last_ok_at if state is not None else None,
        suggested_url=state.suggested_url if state is not None else None,
        evidence=evidence_of(check) if check is not None else None,
        reports=tuple(reports),
        pending=_pending(state),
    )
