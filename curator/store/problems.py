"""The editors' problems list, a read model built on the table families; nothing here writes.

A problem is a live resource whose standing (curator.standing) needs an editor: confirmed
broken, failing and not confirmed yet, moved, refusing automated checks, or reported by
readers with no editor having dealt with it yet. Snoozed resources are listed apart (until
their snooze ends). Most severe first (curator.domain.SEVERITY), then the oldest failure first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import SEVERITY, Group, State, Verdict, severity_rank
from curator.standing import ReadsStanding, Standing
from curator.store import reader_reports
from curator.store.checks import checks_by_id
from curator.store.models import Check, ReaderReport
from curator.store.standings import ResourceStanding, standings
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
class Problem(ReadsStanding):
    """One resource that needs an editor (or is snoozed), with its standing and evidence."""

    resource_id: int
    guide: str
    guide_title: str
    key: str
    title: str
    url: str
    section: str | None
    standing: Standing
    last_verdict: Verdict | None
    detail: str | None
    suggested_url: str | None
    evidence: CheckEvidence | None
    reports: tuple[OpenReport, ...]

    @property
    def status(self) -> Group:
        """The group editors file it under (see `Standing.group`)."""
        return self.standing.group

    @property
    def pending(self) -> bool:
        """The latest checks failed, not yet long enough to be confirmed."""
        return self.standing.checker_state is State.FAILING

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
    session: AsyncSession,
    *,
    now: datetime,
    guide_slug: str | None = None,
    snoozed: bool = False,
) -> list[Problem]:
    """Every live resource whose standing needs an editor, most severe first, then oldest;
    with `snoozed`, instead every resource snoozed as a false positive, soonest end first."""
    found = await standings(session, now=now, guide_slug=guide_slug)
    if snoozed:
        chosen = [s for s in found if s.standing.state is State.SNOOZED]
    else:
        chosen = [s for s in found if s.standing.needs_editor]
    reports = await open_reports(session, resource_ids=[s.resource.id for s in chosen])
    checks = await checks_by_id(
        session,
        ids=[s.link.last_check_id for s in chosen if s.link is not None and s.link.last_check_id],
    )
    made = [
        problem_of(
            s,
            checks.get(s.link.last_check_id) if s.link and s.link.last_check_id else None,
            reports.get(s.resource.id, []),
        )
        for s in chosen
    ]
    if snoozed:
        return sorted(made, key=lambda p: (p.standing.snoozed_until or _FAR, p.resource_id))
    return sorted(made, key=Problem.sort_key)


def problem_of(
    found: ResourceStanding, check: Check | None, reports: Sequence[OpenReport]
) -> Problem:
    """A resource's standing with its latest evidence and readers' reports."""
    resource, state = found.resource, found.link
    return Problem(
        resource_id=resource.id,
        guide=resource.guide.slug,
        guide_title=resource.guide.title,
        key=resource.key,
        title=resource.title,
        url=resource.url,
        section=resource.section.title if resource.section is not None else None,
        standing=found.standing,
        last_verdict=state.last_verdict if state is not None else None,
        detail=state.detail if state is not None else None,
        suggested_url=state.suggested_url if state is not None else None,
        evidence=evidence_of(check) if check is not None else None,
        reports=tuple(reports),
    )
