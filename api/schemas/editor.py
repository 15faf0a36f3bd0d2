"""Bodies of the editor API: problems with their evidence, runs, history and edits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, JsonValue

from api.schemas.base import CleanText, _In, _Out
from curator.catalog.schema import (
    LINE_MAX,
    LIST_MAX,
    PHONE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX_BYTES,
)
from curator.domain import (
    Group,
    ResourceKind,
    State,
    Verdict,
)
from curator.editing import ActionResult
from curator.labels import verdict_label
from curator.registration.warnings import DomainFacts, WarningKind, WatchWarning
from curator.standing import Standing
from curator.store.history import (
    ActionEntry,
    ResourceHistory,
)
from curator.store.listing import ResourcePage, ResourceSummary
from curator.store.problems import CheckEvidence, OpenReport, Problem, ProblemCounts
from curator.suggestions import Confidence, Suggestion, SuggestionSource
from curator.watch.warnings import WatchedResource

# --- editors ---------------------------------------------------------------------------------


class EvidenceOut(_Out):
    """What a check of a link saw."""

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
    hops: list[dict[str, Any]]

    @classmethod
    def of(cls, evidence: CheckEvidence) -> EvidenceOut:
        """A check as evidence."""
        return cls(
            check_id=evidence.check_id,
            run_id=evidence.run_id,
            url=evidence.url,
            checked_at=evidence.checked_at,
            verdict=evidence.verdict,
            detail=evidence.detail,
            status_code=evidence.status_code,
            final_url=evidence.final_url,
            title=evidence.title,
            error_kind=evidence.error_kind,
            elapsed_ms=evidence.elapsed_ms,
            attempts=evidence.attempts,
            hops=[dict(h) for h in evidence.hops],
        )


class SuggestionOut(_Out):
    """Where a link's page is now, how curator found it and how sure it is."""

    url: str
    source: SuggestionSource = Field(
        description="redirect: the old address redirects there; sitemap / site-links: found "
        "on the same site and matched against the old page; archive: an archived copy"
    )
    confidence: Confidence = Field(
        description="confident: `suggested_url` and the accept action take it; possible: a lead"
    )
    evidence: dict[str, Any] = Field(
        description='`summary` in words ("same title, 94 % of the text"), and the figures'
    )

    @classmethod
    def of(cls, suggestion: Suggestion) -> SuggestionOut:
        """A suggestion for editors."""
        return cls(
            url=suggestion.url,
            source=suggestion.source,
            confidence=suggestion.confidence,
            evidence=dict(suggestion.evidence),
        )


class ReaderReportOut(_Out):
    """A reader's report as editors see it."""

    id: int
    created_at: datetime
    note: str
    contact: str | None
    resolved_at: datetime | None = Field(description="when an editor closed it (null: open)")
    resolved_by: str | None = Field(default=None, description="the editor who closed it")
    resolution: str | None = Field(
        default=None,
        description="why it was closed: the reason the editor gave, or the action that closed "
        "it (e.g. 'the resource was edited')",
    )

    @classmethod
    def of(cls, report: OpenReport) -> ReaderReportOut:
        """A report for editors."""
        return cls(
            id=report.id,
            created_at=report.created_at,
            note=report.note,
            contact=report.contact,
            resolved_at=report.resolved_at,
            resolved_by=report.resolved_by,
            resolution=report.resolution,
        )


class WarningOut(_Out):
    """A warning that a resource may soon be lost; never a verdict: the link stays as it is."""

    kind: WarningKind = Field(
        description="domain_expiry, registry_hold, redemption_period, pending_delete, "
        "domain_inactive, parking_name_servers or certificate_expiry"
    )
    detail: str = Field(description='in words: "domain … expires in 12 days, on … (registrar …)"')
    since: datetime | None = Field(description="since when the warning holds, when known")
    data: dict[str, Any] = Field(description="the facts: domain, expires_at, days_left, …")

    @classmethod
    def of(cls, warning: WatchWarning) -> WarningOut:
        """A warning for editors."""
        return cls(
            kind=warning.kind, detail=warning.detail, since=warning.since, data=dict(warning.data)
        )


class RegistrationOut(_Out):
    """What the domain's registry said over RDAP (cached), and whether the last look-up failed."""

    domain: str
    expires_at: datetime | None
    statuses: list[str]
    registrar: str | None
    name_servers: list[str]
    previous_name_servers: list[str] | None
    name_servers_changed_at: datetime | None
    looked_up_at: datetime | None = Field(description="the last look-up that succeeded")
    last_error: str | None = Field(description="why the last look-up failed; null if it did not")

    @classmethod
    def of(cls, facts: DomainFacts) -> RegistrationOut:
        """A registration for editors."""
        return cls(
            domain=facts.domain,
            expires_at=facts.expires_at,
            statuses=list(facts.statuses),
            registrar=facts.registrar,
            name_servers=list(facts.name_servers),
            previous_name_servers=(
                list(facts.previous_name_servers)
                if facts.previous_name_servers is not None
                else None
            ),
            name_servers_changed_at=facts.name_servers_changed_at,
            looked_up_at=facts.looked_up_at,
            last_error=facts.last_error,
        )


class WatchedOut(_Out):
    """A live resource with warnings; its link's verdict is unchanged by them."""

    resource_id: int
    guide: str
    key: str
    title: str
    url: str
    section: str | None
    verdict: Verdict | None
    warnings: list[WarningOut]

    @classmethod
    def of(cls, watched: WatchedResource) -> WatchedOut:
        """A watched resource for editors."""
        return cls(
            resource_id=watched.resource_id,
            guide=watched.guide,
            key=watched.key,
            title=watched.title,
            url=watched.url,
            section=watched.section,
            verdict=watched.verdict,
            warnings=[WarningOut.of(w) for w in watched.warnings],
        )


class WatchOut(_Out):
    """Every live resource with warnings, in catalog order."""

    count: int
    resources: list[WatchedOut]


class ProblemOut(_Out):
    """A resource that needs an editor."""

    resource_id: int = Field(description="the numeric id the editor endpoints take")
    guide: str
    key: str = Field(description="the resource's catalog id within its guide")
    title: str
    url: str
    section: str | None
    state: State = Field(
        description="never_checked, working, moved, unverifiable, failing (not confirmed yet), "
        "unsafe (a site harmful to readers found there: hidden at once), broken (confirmed), "
        "snoozed or retired"
    )
    label: str = Field(description='the state in editors\' words ("failing, not confirmed yet")')
    readers: str = Field(
        description='what readers see, in words: "Hidden from readers since 3 Dec (confirmed '
        'broken)", "Still published: failing, not confirmed yet (2 failed checks since 1 Dec)"'
    )
    status: Group = Field(description="the group editors file it under")
    verdict: Verdict | None = Field(
        description="the verdict shown: the confirmed one, or the latest check's when not confirmed"
    )
    verdict_label: str = Field(description="the verdict in editors' words")
    confirmed: bool = Field(
        description="`verdict` is confirmed over several checks, not only the latest check's"
    )
    public: bool = Field(description="readers see the resource on its guide's public list")
    hidden_since: datetime | None = Field(
        description="when readers stopped seeing it (confirmed broken); null while published"
    )
    snoozed_until: datetime | None = Field(
        description="the end of its snooze as a false positive; null when not snoozed"
    )
    snooze_reason: str | None
    needs_editor: bool
    why: str = Field(description="why it needs an editor, in words (empty when nothing to do)")
    last_verdict: Verdict | None
    detail: str | None
    since: datetime | None = Field(description="first failure of the current streak")
    consecutive_failures: int
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    suggested_url: str | None
    suggestion: SuggestionOut | None = None
    evidence: EvidenceOut | None
    reports: list[ReaderReportOut]
    warnings: list[WarningOut] = Field(
        default_factory=list, description="domain and certificate warnings (never verdicts)"
    )

    @classmethod
    def of(cls, problem: Problem, warnings: list[WatchWarning] | None = None) -> ProblemOut:
        """A problem for editors."""
        standing = problem.standing
        return cls(
            resource_id=problem.resource_id,
            guide=problem.guide,
            key=problem.key,
            title=problem.title,
            url=problem.url,
            section=problem.section,
            state=standing.state,
            label=standing.label,
            readers=standing.readers,
            status=problem.status,
            verdict=problem.verdict,
            verdict_label=verdict_label(problem.verdict),
            confirmed=standing.confirmed,
            public=standing.public,
            hidden_since=standing.hidden_since,
            snoozed_until=standing.snoozed_until,
            snooze_reason=standing.snooze_reason,
            needs_editor=standing.needs_editor,
            why=standing.why,
            last_verdict=problem.last_verdict,
            detail=problem.detail,
            since=problem.since,
            consecutive_failures=problem.consecutive_failures,
            last_checked_at=problem.last_checked_at,
            last_ok_at=problem.last_ok_at,
            suggested_url=problem.suggested_url,
            suggestion=SuggestionOut.of(problem.suggestion) if problem.suggestion else None,
            evidence=EvidenceOut.of(problem.evidence) if problem.evidence else None,
            reports=[ReaderReportOut.of(r) for r in problem.reports],
            warnings=[WarningOut.of(w) for w in warnings or []],
        )


class ProblemCountsOut(_Out):
    """How many problems there are in each group, state and verdict (over the guide asked
    for, before the other filters)."""

    total: int
    groups: dict[Group, int]
    states: dict[State, int]
    verdicts: dict[Verdict, int]

    @classmethod
    def of(cls, counts: ProblemCounts) -> ProblemCountsOut:
        """The store's counts."""
        return cls(
            total=counts.total,
            groups=counts.by_group,
            states=counts.by_state,
            verdicts=counts.by_verdict,
        )


class ProblemsOut(_Out):
    """A page of problems, most severe first, then oldest."""

    count: int = Field(description="problems the filters admit, on every page")
    counts: ProblemCountsOut
    problems: list[ProblemOut]
    next_after: str | None = Field(
        description="the cursor of the next page (`?after=`); null on the last page"
    )


class StandingOut(_Out):
    """Where a resource stands now (curator.standing), as the problems list says it."""

    state: State
    label: str
    readers: str = Field(description="what readers see, in words")
    verdict: Verdict | None
    verdict_label: str
    confirmed: bool
    public: bool
    hidden_since: datetime | None
    snoozed_until: datetime | None
    snooze_reason: str | None
    needs_editor: bool
    why: str

    @classmethod
    def of(cls, standing: Standing) -> StandingOut:
        """A standing for editors."""
        return cls(
            state=standing.state,
            label=standing.label,
            readers=standing.readers,
            verdict=standing.verdict,
            verdict_label=verdict_label(standing.verdict),
            confirmed=standing.confirmed,
            public=standing.public,
            hidden_since=standing.hidden_since,
            snoozed_until=standing.snoozed_until,
            snooze_reason=standing.snooze_reason,
            needs_editor=standing.needs_editor,
            why=standing.why,
        )


class ResourceOut(_Out):
    """A resource of the catalog, working or not, with its link's status."""

    resource_id: int = Field(description="the numeric id the editor endpoints take")
    guide: str
    key: str = Field(description="the resource's catalog id within its guide")
    address: str = Field(
        description="`guide/key`: the editor endpoints take it in place of the numeric id"
    )
    title: str
    url: str
    section: str | None
    kind: ResourceKind
    audience: str | None
    region: str | None
    notes: str | None = Field(description="the catalog's notes for editors (never published)")
    standing: StandingOut = Field(
        description="where it stands, as the problems list says it: state, label, what readers see"
    )
    status: Group = Field(description="the group editors file it under (`standing`'s)")
    verdict: Verdict | None = Field(
        description="the confirmed verdict, or the latest while a failure is not confirmed yet"
    )
    pending: bool = Field(description="true while the latest checks fail, not confirmed yet")
    detail: str | None
    since: datetime | None = Field(description="first failure of the current streak")
    consecutive_failures: int
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    snoozed_until: datetime | None
    snooze_reason: str | None
    retired_at: datetime | None
    open_reports: int = Field(description="readers' reports no editor has closed yet")

    @classmethod
    def of(cls, r: ResourceSummary) -> ResourceOut:
        """A resource for editors."""
        return cls(
            resource_id=r.resource_id,
            guide=r.guide,
            key=r.key,
            address=str(r.address),
            title=r.title,
            url=r.url,
            section=r.section,
            kind=r.kind,
            audience=r.audience,
            region=r.region,
            notes=r.notes,
            standing=StandingOut.of(r.standing),
            status=r.status,
            verdict=r.verdict,
            pending=r.pending,
            detail=r.detail,
            since=r.since,
            consecutive_failures=r.consecutive_failures,
            last_checked_at=r.last_checked_at,
            last_ok_at=r.last_ok_at,
            snoozed_until=r.snoozed_until,
            snooze_reason=r.snooze_reason,
            retired_at=r.retired_at,
            open_reports=r.open_reports,
        )


class ResourcesOut(_Out):
    """A page of the catalog's resources, in guide and key order."""

    total: int = Field(description="how many resources match, on every page")
    resources: list[ResourceOut]
    next_after: str | None = Field(
        description="the cursor of the next page (`?after=`); null on the last page"
    )

    @classmethod
    def of(cls, page: ResourcePage) -> ResourcesOut:
        """A page for editors."""
        return cls(
            total=page.total,
            resources=[ResourceOut.of(r) for r in page.resources],
            next_after=str(page.next_after) if page.next_after else None,
        )


class ActionOut(_Out):
    """What an editor's action did; it is in the resource's history from now on."""

    action: str
    actor: str
    at: datetime
    resource_id: int | None
    message: str
    changes: dict[str, Any]
    recheck_id: int | None
    action_id: int | None

    @classmethod
    def of(cls, result: ActionResult) -> ActionOut:
        """An action's receipt."""
        return cls(
            action=result.action,
            actor=result.actor,
            at=result.at,
            resource_id=result.resource_id,
            message=result.message,
            changes=dict(result.changes),
            recheck_id=result.recheck_id,
            action_id=result.action_id,
        )


class ActionEntryOut(_Out):
    """One editor's action in a resource's history."""

    id: int
    at: datetime
    actor: str
    action: str
    payload: dict[str, Any]

    @classmethod
    def of(cls, entry: ActionEntry) -> ActionEntryOut:
        """An action for the history."""
        return cls(
            id=entry.id, at=entry.at, actor=entry.actor, action=entry.action, payload=entry.payload
        )


class ResourceStateOut(_Out):
    """A resource's catalog values as they are now."""

    id: int
    guide: str
    key: str
    title: str
    url: str
    section: str | None
    kind: ResourceKind
    description: str | None
    phone: str | None
    expect_text: list[str]
    audience: str | None
    region: str | None
    notes: str | None = Field(description="the catalog's notes for editors (never published)")
    retired_at: datetime | None
    snoozed_until: datetime | None
    snooze_reason: str | None


class HistoryOut(_Out):
    """Everything that happened to a resource, newest first."""

    resource: ResourceStateOut
    standing: StandingOut | None = Field(
        default=None, description="where it stands now, as the problems list says it"
    )
    urls: list[str] = Field(description="the URLs this resource has had, current first")
    checks: list[EvidenceOut]
    actions: list[ActionEntryOut]
    reports: list[ReaderReportOut]
    warnings: list[WarningOut] = Field(
        default_factory=list,
        description="domain and certificate warnings: the link's verdict is unchanged by them",
    )
    registration: RegistrationOut | None = Field(
        default=None, description="the domain's registration as last looked up, if ever"
    )

    @classmethod
    def of(
        cls,
        history: ResourceHistory,
        warnings: list[WatchWarning] | None = None,
        registration: DomainFacts | None = None,
        standing: Standing | None = None,
    ) -> HistoryOut:
        """A resource's history for editors."""
        r = history.resource
        return cls(
            resource=ResourceStateOut(
                id=r.id,
                guide=r.guide.slug,
                key=r.key,
                title=r.title,
                url=r.url,
                section=r.section.title if r.section is not None else None,
                kind=r.kind,
                description=r.description,
                phone=r.phone,
                expect_text=list(r.expect_text or []),
                audience=r.audience,
                region=r.region,
                notes=r.notes,
                retired_at=r.retired_at,
                snoozed_until=r.snoozed_until,
                snooze_reason=r.snooze_reason,
            ),
            standing=StandingOut.of(standing) if standing is not None else None,
            urls=list(history.urls),
            checks=[EvidenceOut.of(c) for c in history.checks],
            actions=[ActionEntryOut.of(a) for a in history.actions],
            reports=[ReaderReportOut.of(r) for r in history.reports],
            warnings=[WarningOut.of(w) for w in warnings or []],
            registration=RegistrationOut.of(registration) if registration else None,
        )


_ELSEWHERE = "not editable here: the 422 says where in resources.yaml to change it"


class ResourcePatch(_In):
    """New values for some of a resource's fields; a field left out is unchanged, and null
    clears description, phone, audience, region or notes. Validated as the catalog validates
    resources.yaml. A resource's id and where the file lists it (guide, section) are changed in
    resources.yaml: sent here, the 422 says where."""

    # Bounds before the catalog's own rules (curator.editing applies them) see the values.
    url: CleanText | None = Field(default=None, max_length=URL_MAX_BYTES)
    title: CleanText | None = Field(default=None, max_length=TITLE_MAX)
    kind: CleanText | None = Field(
        default=None, max_length=40, description="webpage, video, helpline or document"
    )
    description: CleanText | None = Field(default=None, max_length=TEXT_MAX)
    phone: CleanText | None = Field(default=None, max_length=PHONE_MAX)
    expect_text: list[Annotated[CleanText, Field(max_length=LINE_MAX)]] | None = Field(
        default=None, max_length=LIST_MAX
    )
    audience: CleanText | None = Field(default=None, max_length=LINE_MAX)
    region: CleanText | None = Field(default=None, max_length=LINE_MAX)
    notes: CleanText | None = Field(
        default=None, max_length=TEXT_MAX, description="for editors; never published"
    )
    id: JsonValue = Field(default=None, description=_ELSEWHERE)
    key: JsonValue = Field(default=None, description=_ELSEWHERE)
    section: JsonValue = Field(default=None, description=_ELSEWHERE)
    guide: JsonValue = Field(default=None, description=_ELSEWHERE)


class SnoozeIn(_In):
    """Hide a false positive from the problems list until a moment (UTC when no zone is given)."""

    until: datetime
    reason: Annotated[CleanText, Field(min_length=1, max_length=500)]


class RetireIn(_In):
    """Why the resource leaves the list (optional)."""

    reason: Annotated[CleanText, Field(max_length=500)] | None = None


class CloseReportsIn(_In):
    """Why the resource's open readers' reports are closed (say, the link works when opened
    by hand)."""

    reason: Annotated[CleanText, Field(min_length=1, max_length=500)]
