"""What the dashboard reads and does, through the same domain functions as the editor API.

This module is the dashboard's one seam to the rest of curator: it calls the store's queries
and curator.editing's actions, and turns their results into the views the templates show.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.dashboard.views import (
    PROBLEM_STATES,
    ActionRow,
    CheckRow,
    EditField,
    EvidenceView,
    HopView,
    JobRow,
    PastReport,
    ProblemView,
    RecheckView,
    ReportGroup,
    ReportView,
    ResourceRow,
    ResultRow,
    RunRow,
    action_summary,
    hops_of,
    ordered_counts,
)
from curator import editing, labels, tokens
from curator.domain import SEVERITY, ResourceKind, State
from curator.errors import InvalidEditError, NotFoundError
from curator.labels import STATES, verdict_label
from curator.registration.warnings import DomainFacts, WarningKind, WatchPolicy, WatchWarning
from curator.registration.warnings import watch_line as summarise
from curator.report.harm import harm_checks
from curator.store import problems as store_problems
from curator.store.base import utcnow
from curator.store.catalog import guide_titles, resource_by_id
from curator.store.history import (
    RunSummary,
    parse_result_cursor,
    resource_history,
    run_results,
    run_summaries,
    run_summary,
)
from curator.store.job_states import scheduler_overview
from curator.store.link_states import link_states
from curator.store.listing import ResourceAddress, resource_id_at
from curator.store.listing import resource_page as listing_page
from curator.store.models import RecheckRequest, Resource
from curator.store.problems import (
    CandidateCache,
    CheckEvidence,
    OpenReport,
    Problem,
    ProblemCounts,
    ProblemFilter,
    ProblemPage,
    evidence_of,
)
from curator.store.rechecks import latest_rechecks
from curator.store.standings import standing_of_row
from curator.tokens import Editor
from curator.watch.warnings import WatchedResource, watch_of, watched_resources

EDITABLE = editing.EDITABLE_FIELDS
"""The resource fields the edit form offers."""


def token_tag(token_hash: str) -> str:
    """A short tag of a token's stored hash: ties a session to that very token."""
    return hashlib.sha256(b"curator.dashboard:" + token_hash.encode()).hexdigest()[:24]


async def sign_in(session: AsyncSession, *, token: str) -> tuple[Editor, str] | None:
    """The editor a live token belongs to, with its tag, else None (constant-time compare)."""
    editor = await tokens.verify_token(session, token=token)
    if editor is None:
        return None
    row = await tokens.token_by_id(session, token_id=editor.token_id)
    assert row is not None  # verify_token just read it
    return editor, token_tag(row.token_hash)


async def token_still_valid(session: AsyncSession, *, token_id: int, tag: str) -> bool:
    """Whether the token a session was opened with is still live and still the same token."""
    row = await tokens.token_by_id(session, token_id=token_id)
    if row is None or row.revoked_at is not None:
        return False
    return hmac.compare_digest(token_tag(row.token_hash), tag)


async def signed_in(session: AsyncSession, *, key: str, token_id: int, tag: str) -> bool:
    """Whether a browser's sign-in still holds: not signed out or expired, its token live."""
    if not await tokens.browser_session_live(session, key=key, token_id=token_id):
        return False
    return await token_still_valid(session, token_id=token_id, tag=tag)


async def open_session(session: AsyncSession, *, token_id: int, lifetime: timedelta) -> str:
    """Start a browser's sign-in; the key its cookie carries."""
    return await tokens.open_browser_session(session, token_id=token_id, lifetime=lifetime)


async def close_session(session: AsyncSession, *, key: str) -> None:
    """Sign a browser out on the server: its cookie, and any copy of it, stops working."""
    await tokens.close_browser_session(session, key=key)


# --- reads: the store's queries, shaped for the templates --------------------------------------


def _evidence(evidence: CheckEvidence | None) -> EvidenceView | None:
    if evidence is None:
        return None
    hops = hops_of(evidence.hops)
    if not hops and evidence.status_code is not None:
        # A check stored without its hops still got an answer: shown as the one hop it was,
        # never as "no response".
        hops = (HopView(evidence.final_url or evidence.url, evidence.status_code, None),)
    return EvidenceView(
        checked_at=evidence.checked_at,
        status_code=evidence.status_code,
        final_url=evidence.final_url,
        error_kind=evidence.error_kind,
        elapsed_ms=evidence.elapsed_ms,
        attempts=evidence.attempts,
        hops=hops,
        verdict=evidence.verdict,
        detail=evidence.detail,
        check_id=evidence.check_id,
    )


async def _harms(session: AsyncSession, views: Iterable[ProblemView]) -> dict[str, EvidenceView]:
    """The check that found the harmful site of each unsafe resource among `views`, by URL
    (the refresh report's reading of the history: `curator.report.harm`)."""
    urls = {v.url for v in views if v.standing.state is State.UNSAFE}
    found = await harm_checks(session, urls=urls)
    return {url: view for url, check in found.items() if (view := _evidence(evidence_of(check)))}


async def _with_harms(
    session: AsyncSession, views: tuple[ProblemView, ...]
) -> tuple[ProblemView, ...]:
    """`views`, each unsafe one with the check that found the harmful site."""
    harms = await _harms(session, views)
    if not harms:
        return views
    return tuple(replace(v, harm=harms[v.url]) if v.url in harms else v for v in views)


def _recheck(request: RecheckRequest | None) -> RecheckView | None:
    if request is None:
        return None
    return RecheckView(
        requested_at=request.requested_at,
        requested_by=request.requested_by,
        reason=request.reason,
        started_at=request.started_at,
        finished_at=request.finished_at,
        run_id=request.run_id,
    )


def _reports(reports: Iterable[OpenReport]) -> ReportGroup:
    """A resource's open reports as one entry, newest first."""
    return ReportGroup(
        tuple(
            ReportView(created_at=r.created_at, note=r.note, contact=r.contact)
            for r in sorted(reports, key=lambda r: r.created_at, reverse=True)
            if r.resolved_at is None
        )
    )


def _problem_view(problem: Problem) -> ProblemView:
    return ProblemView(
        resource_id=problem.resource_id,
        title=problem.title,
        url=problem.url,
        guide_title=problem.guide_title,
        section_title=problem.section,
        standing=problem.standing,
        detail=problem.detail or "",
        suggested_url=problem.suggested_url,
        suggestion=problem.suggestion,
        evidence=_evidence(problem.evidence),
        reports=_reports(problem.reports),
    )


PROBLEMS_PAGE = 50
"""Problems (and snoozed resources) the problems page shows at once."""


@dataclass(frozen=True, slots=True)
class ProblemList:
    """A page of problems (or of snoozed resources), the counts an editor filters by, and
    where the next page starts."""

    problems: tuple[ProblemView, ...]
    matching: int
    counts: ProblemCounts
    next_after: str | None


def _problem_list(page: ProblemPage) -> ProblemList:
    return ProblemList(
        problems=tuple(_problem_view(p) for p in page.problems),
        matching=page.matching,
        counts=page.counts,
        next_after=page.next_after,
    )


async def problems(
    session: AsyncSession,
    *,
    where: ProblemFilter,
    after: str | None = None,
    cache: CandidateCache | None = None,
) -> ProblemList:
    """A page of the resources that need an editor, most severe first, then the oldest
    failure; a cursor that is not one the page wrote starts from the first page."""
    try:
        page = await store_problems.problem_page(
            session, now=utcnow(), where=where, after=after, limit=PROBLEMS_PAGE, cache=cache
        )
    except store_problems.BadCursor:
        page = await store_problems.problem_page(
            session, now=utcnow(), where=where, limit=PROBLEMS_PAGE, cache=cache
        )
    found = _problem_list(page)
    found = replace(found, problems=await _with_harms(session, found.problems))
    # Each item's recheck, for the whole page in one query: never one query an item.
    rechecks = await latest_rechecks(session, resource_ids=[p.resource_id for p in found.problems])
    if not rechecks:
        return found
    return replace(
        found,
        problems=tuple(
            replace(p, recheck=_recheck(rechecks.get(p.resource_id))) for p in found.problems
        ),
    )


async def snoozed(
    session: AsyncSession,
    *,
    guide: str | None = None,
    after: str | None = None,
    cache: CandidateCache | None = None,
) -> ProblemList:
    """A page of the resources snoozed as false positives, the soonest snooze end first."""
    where = store_problems.ProblemFilter(guide_slug=guide)
    try:
        page = await store_problems.problem_page(
            session,
            now=utcnow(),
            where=where,
            after=after,
            limit=PROBLEMS_PAGE,
            snoozed=True,
            cache=cache,
        )
    except store_problems.BadCursor:
        page = await store_problems.problem_page(
            session, now=utcnow(), where=where, limit=PROBLEMS_PAGE, snoozed=True, cache=cache
        )
    return _problem_list(page)


@dataclass(frozen=True, slots=True)
class FilterCount:
    """One choice of a filter: its value, its words and how many problems it has."""

    value: str
    words: str
    count: int


def state_counts(counts: ProblemCounts) -> tuple[FilterCount, ...]:
    """The problems' states with their counts, in the page's section order."""
    return tuple(
        FilterCount(state.value, STATES[state].heading, counts.by_state[state])
        for state in PROBLEM_STATES
        if counts.by_state.get(state)
    )


def verdict_counts(counts: ProblemCounts) -> tuple[FilterCount, ...]:
    """The problems' verdicts with their counts, most severe first."""
    return tuple(
        FilterCount(verdict.value, verdict_label(verdict), counts.by_verdict[verdict])
        for verdict in SEVERITY
        if counts.by_verdict.get(verdict)
    )


async def guides(session: AsyncSession) -> tuple[tuple[str, str], ...]:
    """Every guide's slug and title, to filter by."""
    return tuple(await guide_titles(session))


async def watched(session: AsyncSession, policy: WatchPolicy) -> list[WatchedResource]:
    """Every live resource with a warning (its own section: warnings are not problems)."""
    return await watched_resources(session, now=utcnow(), policy=policy)


def watch_line(watched: list[WatchedResource], policy: WatchPolicy) -> str:
    """ "Watch: 2 domains expire within 30 days, …" over the watched resources."""
    counts: dict[WarningKind, set[str]] = {}
    for resource in watched:
        for warning in resource.warnings:
            key = str(warning.data.get("domain") or warning.data.get("host") or resource.url)
            counts.setdefault(warning.kind, set()).add(key)
    return summarise(counts, policy)


async def resource_warnings(
    session: AsyncSession, *, url: str, policy: WatchPolicy
) -> tuple[list[WatchWarning], DomainFacts | None]:
    """A resource's warnings, and its domain's registration as last looked up, for its page."""
    watch = await watch_of(session, urls=[url])
    return watch.warnings(url, now=utcnow(), policy=policy), watch.domain(url)


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """Everything the resource page shows."""

    problem: ProblemView
    resource: Resource
    checks: tuple[CheckRow, ...]
    history: tuple[ActionRow, ...]
    past_reports: tuple[PastReport, ...] = ()
    """Readers' reports an editor has dealt with, newest first: their contacts stay reachable."""


async def resource_page(session: AsyncSession, *, resource_id: int) -> ResourcePage:
    """A resource with its link's state, its past checks and its editors' actions."""
    history = await resource_history(session, resource_id=resource_id)
    if history is None:
        raise NotFoundError("resource", resource_id)
    resource = history.resource
    state = (await link_states(session, urls=[resource.url])).get(resource.url)
    latest = next((c for c in history.checks if c.url == resource.url), None)
    open_count = sum(1 for r in history.reports if r.resolved_at is None)
    now = utcnow()
    rechecks = await latest_rechecks(session, resource_ids=[resource.id])
    view = ProblemView(
        resource_id=resource.id,
        title=resource.title,
        url=resource.url,
        guide_title=resource.guide.title,
        section_title=resource.section.title if resource.section else None,
        standing=standing_of_row(resource, state, now=now, open_reports=open_count),
        detail=(state.detail or "") if state else "",
        suggested_url=state.suggested_url if state else None,
        evidence=_evidence(latest),
        suggestion=latest.suggestion if latest is not None else None,
        reports=_reports(history.reports),
        notes=resource.notes,
        guide_slug=resource.guide.slug,
        key=resource.key,
        kind=resource.kind.value,
        audience=resource.audience,
        region=resource.region,
        recheck=_recheck(rechecks.get(resource.id)),
    )
    (view,) = await _with_harms(session, (view,))
    return ResourcePage(
        problem=view,
        resource=resource,
        checks=tuple(
            CheckRow(c.checked_at, c.verdict, c.status_code, c.detail, c.url)
            for c in history.checks
        ),
        history=tuple(
            ActionRow(a.at, a.actor, action_summary(a.action, a.payload)) for a in history.actions
        ),
        past_reports=tuple(
            PastReport(
                ReportView(r.created_at, r.note, r.contact),
                r.resolved_at,
                labels.report_closed(r.resolved_at, r.resolved_by, r.resolution, now=now),
            )
            for r in history.reports
            if r.resolved_at is not None
        ),
    )


def form_values(r: Resource) -> dict[str, str]:
    """The resource's values as the edit form shows them."""
    return {
        "url": r.url,
        "title": r.title,
        "kind": r.kind.value,
        "description": r.description or "",
        "phone": r.phone or "",
        "expect_text": "\n".join(r.expect_text or []),
        "audience": r.audience or "",
        "region": r.region or "",
        "notes": r.notes or "",
    }


async def changed_values(
    session: AsyncSession, *, resource_id: int, submitted: Mapping[str, str]
) -> dict[str, str]:
    """The submitted fields that differ from the resource's values: what a refused edit form
    must get back (the others show the resource's values anyway)."""
    resource = await resource_by_id(session, resource_id=resource_id)
    current = form_values(resource) if resource is not None else {}
    return {k: v for k, v in submitted.items() if current.get(k) != v}


def edit_fields(page: ResourcePage, submitted: Mapping[str, str] | None) -> list[EditField]:
    """The edit form's fields, showing what was submitted when it comes back with errors."""
    values = {**form_values(page.resource), **(submitted or {})}
    return [
        EditField("url", "Link (URL)", values["url"], "url", required=True),
        EditField("title", "Title", values["title"], required=True),
        EditField(
            "kind",
            "Kind",
            values["kind"],
            "select",
            choices=tuple(k.value for k in ResourceKind),
            hint="A video is checked as a video (removed or private); a helpline's phone "
            "number against its page.",
        ),
        EditField("description", "Description", values["description"], multiline=True),
        EditField(
            "phone",
            "Phone number",
            values["phone"],
            "tel",
            hint="As printed on the guide; checked against the provider's page.",
        ),
        EditField(
            "expect_text",
            "Text the page must show",
            values["expect_text"],
            hint="One per line, e.g. the helpline's name.",
            multiline=True,
        ),
        EditField("audience", "Audience", values["audience"], hint="e.g. Adults (18+)."),
        EditField("region", "Region", values["region"], hint="e.g. United Kingdom."),
        EditField(
            "notes",
            "Notes for editors",
            values["notes"],
            hint="Never published: only editors see them.",
            multiline=True,
        ),
    ]


PLACEMENT_NOTE = (
    "The resource's id ({key}) and where it is listed (guide {guide}, section {section}) "
    "are changed in resources.yaml: edit the file and run curator sync."
)
"""What the edit form says about the fields it does not offer."""


def _run_row(run: RunSummary) -> RunRow:
    return RunRow(
        id=run.id,
        trigger=run.trigger,
        guide_slug=run.guide_slug,
        status=run.status.value,
        started_at=run.started_at,
        finished_at=run.finished_at,
        checked=run.checked_urls,
        total=run.total_urls,
        counts=ordered_counts(run.counts),
        summary=run.summary,
    )


async def runs(session: AsyncSession) -> list[RunRow]:
    """The most recent runs, newest first."""
    return [_run_row(run) for run in await run_summaries(session, limit=50)]


@dataclass(frozen=True, slots=True)
class Schedule:
    """The runs page's word on the scheduler: the next check due, and each job's last end."""

    next_check: tuple[str, datetime] | None
    last_heartbeat: datetime | None
    jobs: tuple[JobRow, ...]


async def schedule(session: AsyncSession) -> Schedule:
    """When the next scheduled check is due and how the scheduler's jobs last ended."""
    overview = await scheduler_overview(session)
    upcoming = overview.next_check
    return Schedule(
        next_check=(upcoming[0].value, upcoming[1]) if upcoming else None,
        last_heartbeat=overview.last_heartbeat,
        jobs=tuple(
            JobRow(
                j.job_id,
                j.last_status.value if j.last_status else None,
                j.last_started_at,
                j.last_finished_at,
                j.next_due_at,
                j.last_error,
            )
            for j in overview.jobs
        ),
    )


RUN_PAGE = 200
"""Results the run page shows at once."""


@dataclass(frozen=True, slots=True)
class RunPage:
    """A run and a page of its results, most severe first."""

    run: RunRow
    results: tuple[ResultRow, ...]
    next_after: str | None


async def run_page(session: AsyncSession, *, run_id: int, after: str | None) -> RunPage:
    """A run with a page of its results (from `after`, a cursor the previous page gave)."""
    run = await run_summary(session, run_id=run_id)
    if run is None:
        raise NotFoundError("run", run_id)
    cursor = parse_result_cursor(after) if after else None
    found = await run_results(session, run_id=run_id, after=cursor, limit=RUN_PAGE)
    return RunPage(
        run=_run_row(run),
        results=tuple(
            ResultRow(
                url=r.url,
                verdict=r.verdict,
                status_code=r.status_code,
                detail=r.detail,
                final_url=r.final_url,
                checked_at=r.checked_at,
                resources=tuple((x.resource_id, x.title) for x in r.resources),
            )
            for r in found.results
        ),
        next_after=found.next_after,
    )


LIST_PAGE = 100
"""Resources the resources page shows at once."""


@dataclass(frozen=True, slots=True)
class ResourceList:
    """A page of the resources list, the search it answers and the guides to filter by."""

    rows: tuple[ResourceRow, ...]
    total: int
    next_after: str | None
    guides: tuple[tuple[str, str], ...]


async def resource_list(
    session: AsyncSession, *, guide: str | None, text: str | None, after: str | None
) -> ResourceList:
    """Every resource (or one guide's) whose title, URL or key contains `text`, a page at a
    time from `after` (`guide/key`)."""
    cursor = ResourceAddress.parse(after) if after else None
    page = await listing_page(
        session, guide_slug=guide or None, text=text, after=cursor, limit=LIST_PAGE
    )
    return ResourceList(
        rows=tuple(
            ResourceRow(
                resource_id=r.resource_id,
                guide_slug=r.guide,
                guide_title=r.guide_title,
                key=r.key,
                title=r.title,
                url=r.url,
                section_title=r.section,
                standing=r.standing,
                last_checked_at=r.last_checked_at,
            )
            for r in page.resources
        ),
        total=page.total,
        next_after=str(page.next_after) if page.next_after else None,
        guides=tuple(await guide_titles(session)),
    )


async def resource_at(session: AsyncSession, *, guide: str, key: str) -> int:
    """The id of the resource at `guide/key`, or NotFoundError."""
    found = await resource_id_at(session, address=ResourceAddress(guide, key))
    if found is None:
        raise NotFoundError("resource", f"{guide}/{key}")
    return found


# --- actions: curator.editing's, exactly as the editor API calls them ----------------------


async def accept_suggestion(
    session: AsyncSession, *, resource_id: int, actor: str
) -> editing.ActionResult:
    """The resource now links to the suggested URL, and is rechecked."""
    return await editing.accept_suggestion(session, resource_id=resource_id, actor=actor)


async def recheck(session: AsyncSession, *, resource_id: int, actor: str) -> editing.ActionResult:
    """Queue a recheck of the resource."""
    return await editing.recheck(session, resource_id=resource_id, actor=actor)


async def snooze(
    session: AsyncSession, *, resource_id: int, actor: str, until: datetime, reason: str
) -> editing.ActionResult:
    """Call a failure a false positive until `until`: published, off the problems list."""
    return await editing.snooze(
        session, resource_id=resource_id, actor=actor, until=until, reason=reason
    )


async def retire(session: AsyncSession, *, resource_id: int, actor: str) -> editing.ActionResult:
    """Take the resource off its guide's list."""
    return await editing.retire(session, resource_id=resource_id, actor=actor)


async def close_reports(
    session: AsyncSession, *, resource_id: int, actor: str, reason: str
) -> editing.ActionResult:
    """Close the resource's open readers' reports, saying why."""
    return await editing.close_reports(session, resource_id=resource_id, actor=actor, reason=reason)


async def end_snooze(
    session: AsyncSession, *, resource_id: int, actor: str
) -> editing.ActionResult:
    """The resource stands as its link says again."""
    return await editing.end_snooze(session, resource_id=resource_id, actor=actor)


async def restore(session: AsyncSession, *, resource_id: int, actor: str) -> editing.ActionResult:
    """Put a retired resource back on its guide's list."""
    return await editing.restore(session, resource_id=resource_id, actor=actor)


def form_changes(values: Mapping[str, str]) -> dict[str, object]:
    """The edit form's text fields as an edit: one expected text a line, blanks cleared, and
    a field the form did not send left unchanged."""
    changes: dict[str, object] = {}
    for name in EDITABLE:
        if name not in values:
            continue
        value = values[name]
        if name == "expect_text":
            changes[name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif name in ("url", "title", "kind"):
            changes[name] = value
        else:
            changes[name] = value or None
    return changes


async def edit(
    session: AsyncSession, *, resource_id: int, actor: str, values: Mapping[str, str]
) -> editing.ActionResult:
    """Change the resource's details; InvalidEditError names each field's problem."""
    try:
        return await editing.edit_resource(
            session, resource_id=resource_id, actor=actor, changes=form_changes(values)
        )
    except InvalidEditError as exc:
        # The API counts expected texts as a list's items from 0; the form shows them as
        # lines, blank ones included, so the problem names the line the editor sees.
        line = _line_problem(values.get("expect_text", ""))
        if "expect_text" in exc.errors and line is not None:
            raise InvalidEditError({**exc.errors, "expect_text": line}) from None
        raise


def _line_problem(text: str) -> str | None:
    """The first problem of the form's expected texts, by the line it is on; None if no line
    has one (a problem of the whole list, such as too many, is said as the API says it)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                editing.expected_text(line)
            except ValueError as exc:
                return f"line {number} {exc}"
    return None
