"""Building the refresh report from the store: each guide's links placed in its sections."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from curator import labels
from curator.archive import ArchiveLookup, NoArchive
from curator.check.state import ConfirmPolicy
from curator.check.text import similarity as text_similarity
from curator.domain import MailKind, State, Verdict, next_review_due, severity_rank
from curator.errors import NotFoundError
from curator.report import history
from curator.report.model import (
    Accept,
    ContentChange,
    Counts,
    Fix,
    FixedItem,
    FixKind,
    GuideReport,
    HopView,
    LatestCheck,
    LinkItem,
    LinkStanding,
    Period,
    PeriodKind,
    ReaderReportItem,
    RefreshReport,
    ResourceRef,
    ReviewDue,
    RunRef,
    Section,
    SectionItem,
    Similarity,
    Since,
    SinceRun,
    WatchItem,
    group_reader_reports,
    sections_of,
)
from curator.report.summary import guide_summary, overall_summary, watch_summary
from curator.settings import Settings
from curator.standing import Standing
from curator.store import catalog as catalog_queries
from curator.store import checks as check_queries
from curator.store import deliveries
from curator.store import link_states as state_queries
from curator.store import reader_reports as report_queries
from curator.store import runs as run_queries
from curator.store.catalog import all_guides, require_guide
from curator.store.checks import CheckPoint
from curator.store.models import Check, Guide, LinkState, ReaderReport, Resource, Run
from curator.store.standings import standings
from curator.suggestions import Suggestion, SuggestionSource
from curator.watch.warnings import resource_warnings

CONTENT_CHANGE_BELOW = 0.7


ARCHIVE_CONCURRENCY = 4


NOTE_LIMIT = 500
SITE_SOURCES = frozenset({SuggestionSource.SITEMAP, SuggestionSource.SITE_LINKS})
"""Suggestions found by searching the site itself (a redirect's target is a new address)."""


@dataclass(frozen=True, slots=True)
class _Context:
    settings: Settings
    now: datetime
    zone: ZoneInfo
    policy: ConfirmPolicy
    archive: ArchiveLookup
    similarity: Similarity


async def build_report(
    session: AsyncSession,
    settings: Settings,
    *,
    now: datetime,
    guide: str | None = None,
    since: Since | None = None,
    archive: ArchiveLookup | None = None,
    similarity: Similarity | None = None,
) -> RefreshReport:
    """The refresh report of one guide (or every guide) as of `now`.

    `since` None means "since the last refresh report of each guide" (mail_deliveries).
    Records visible-text baselines (link_states.baseline_fingerprint) in the caller's
    transaction; commit it to keep them.
    """
    context = _Context(
        settings=settings,
        now=now,
        zone=ZoneInfo(settings.timezone),
        policy=settings.confirm_policy(),
        archive=archive or NoArchive(),
        similarity=similarity if similarity is not None else default_similarity(),
    )
    if (
        isinstance(since, SinceRun)
        and await run_queries.get_run(session, run_id=since.run_id) is None
    ):
        raise NotFoundError("run", since.run_id)  # even when there is no guide to report on
    guides: Sequence[Guide] = (
        [await require_guide(session, slug=guide)]
        if guide is not None
        else await all_guides(session)
    )
    built = [await _build_guide(session, context, g, since) for g in guides]
    return RefreshReport(
        generated_at=now,
        timezone=settings.timezone,
        base_url=settings.public_base_url.rstrip("/"),
        summary=overall_summary(built, settings.watch_policy()),
        guides=tuple(built),
    )


def default_similarity() -> Similarity:
    """The checker's fingerprint comparison (curator.check.text.similarity)."""
    return text_similarity


async def report_period(
    session: AsyncSession, *, guide_slug: str, since: Since | None, now: datetime, zone: ZoneInfo
) -> Period:
    """The period a guide's report covers."""
    if isinstance(since, SinceRun):
        run = await run_queries.get_run(session, run_id=since.run_id)
        if run is None:
            raise NotFoundError("run", since.run_id)
        label = f"since run {run.id} ({format_moment(run.started_at, zone)})"
        return Period(PeriodKind.RUN, run.started_at, now, label, run.id)
    if isinstance(since, datetime):
        return Period(PeriodKind.DATE, since, now, f"since {format_moment(since, zone)}")
    last = await deliveries.latest_delivery(session, kind=MailKind.REFRESH, guide_slug=guide_slug)
    if last is None:
        return Period(PeriodKind.BEGINNING, None, now, "since checks began (first report)")
    label = f"since the last report ({format_moment(last.created_at, zone)})"
    return Period(PeriodKind.LAST_REPORT, last.created_at, now, label)


def format_moment(moment: datetime, zone: ZoneInfo) -> str:
    """A date-time as the report prints it, in the configured time zone."""
    return labels.moment_label(moment, zone)


async def _build_guide(
    session: AsyncSession, context: _Context, guide: Guide, since: Since | None
) -> GuideReport:
    base = context.settings.public_base_url.rstrip("/")
    now = context.now
    period = await report_period(
        session, guide_slug=guide.slug, since=since, now=now, zone=context.zone
    )
    found = await standings(session, now=now, guide_slug=guide.slug)
    resources = [f.resource for f in found]
    urls = {r.url for r in resources}
    states = {f.link.url: f.link for f in found if f.link is not None}
    points = await check_queries.check_points(session, urls=urls)
    # An unsafe link's evidence is the check that found the harmful site, which need not be
    # its latest (a timeout since says nothing of the casino).
    harms = {
        f.resource.url: harm
        for f in found
        if f.standing.state is State.UNSAFE
        and (harm := history.last_harm(points.get(f.resource.url, []))) is not None
    }
    latest = await check_queries.checks_by_id(
        session,
        ids={s.last_check_id for s in states.values() if s.last_check_id is not None}
        | {harm.check_id for harm in harms.values()},
    )
    baselines = await _refresh_baselines(session, states, points)
    refs = {r.id: _ref(r, base) for r in resources}
    standing_of = {f.resource.id: f.standing for f in found}

    placed: dict[Section, list[SectionItem]] = {kind: [] for kind in Section}
    newly: list[LinkItem] = []
    still: list[LinkItem] = []
    links: list[LinkStanding] = []
    working = unchecked = snoozed = 0
    for entry in found:
        resource, state, standing = entry.resource, entry.link, entry.standing
        ref = refs[resource.id]
        links.append(
            LinkStanding(
                ref,
                standing.verdict,
                standing.last_checked_at,
                standing.snoozed,
                False,
                unconfirmed=standing.checker_state is State.FAILING,
                state=standing.state,
                label=standing.label,
                public=standing.public,
            )
        )
        if standing.snoozed:
            snoozed += 1
            continue
        if state is None or standing.state is State.NEVER_CHECKED:
            unchecked += 1
            continue
        history_ = points.get(resource.url, [])
        before = history.until(history_, period.start)
        # What the checker believed when the period began (what the last report said).
        then = history.replay(before, context.policy) if period.start is not None else None
        check = latest.get(state.last_check_id) if state.last_check_id is not None else None
        shown = standing.verdict
        assert shown is not None
        was_broken = then is not None and history.is_broken(then.verdict)
        if standing.state is State.UNSAFE:
            # Hidden at once, before the failure is confirmed: first of all the sections.
            harm = harms.get(resource.url)
            seen = latest.get(harm.check_id) if harm is not None else None
            new = then is None or then.unsafe_since is None
            item = _link_item(
                ref, standing, state, seen or check, standing.hidden_since, now, new, base
            )
            if seen is not None:
                # What was seen there, as that check said it, whatever the checks since said.
                item = dataclasses.replace(item, verdict=seen.verdict, detail=seen.detail)
            placed[Section.UNSAFE].append(item)
            continue
        if standing.state is State.BROKEN:
            since_ = state.first_failure_at or _streak_start(history_, history.FAILING)
            item = _link_item(ref, standing, state, check, since_, now, not was_broken, base)
            (still if was_broken else newly).append(item)
            continue
        if was_broken and then is not None and then.verdict is not None:
            placed[Section.FIXED].append(FixedItem(ref, then.verdict, shown, state.last_ok_at))
        elif then is not None and then.unsafe_since is not None:
            # Hidden as a harmful site when the period began, published again since.
            placed[Section.FIXED].append(FixedItem(ref, Verdict.PARKED, shown, state.last_ok_at))
        if standing.state in (State.WORKING, State.MOVED):
            working += 1
        if standing.state is State.FAILING:
            # A failure not confirmed yet: the public list still shows the resource.
            new = then is None or then.consecutive_failures == 0
            since_ = state.first_failure_at or _streak_start(history_, history.FAILING)
            placed[Section.FAILING].append(
                _link_item(ref, standing, state, check, since_, now, new, base)
            )
        elif standing.state is State.UNVERIFIABLE:
            new = then is None or then.last_verdict is not Verdict.UNVERIFIABLE
            since_ = _streak_start(history_, frozenset({Verdict.UNVERIFIABLE}))
            placed[Section.UNVERIFIABLE].append(
                _link_item(ref, standing, state, check, since_, now, new, base)
            )
        elif standing.state is State.MOVED:
            new = then is None or then.verdict is not Verdict.MOVED
            since_ = _streak_start(history_, frozenset({Verdict.MOVED}))
            placed[Section.MOVED].append(
                _link_item(ref, standing, state, check, since_, now, new, base)
            )
        change = _content_change(context, ref, state, check, baselines, history_, before)
        if change is not None:
            placed[Section.CONTENT_CHANGES].append(change)
            links[-1] = dataclasses.replace(links[-1], content_changed=True)

    await _add_archived_copies(context, newly)
    placed[Section.NEWLY_BROKEN] = list(_by_severity(newly))
    placed[Section.STILL_BROKEN] = list(_by_severity(still))
    reports = await _reader_reports(session, resources, refs, standing_of, period)
    placed[Section.READER_REPORTS] = list(group_reader_reports(reports))
    review = review_due(guide, today=now.astimezone(context.zone).date())
    counts = Counts(
        links=len(resources),
        working=working,
        unsafe=len(placed[Section.UNSAFE]),
        broken=len(placed[Section.NEWLY_BROKEN]) + len(placed[Section.STILL_BROKEN]),
        newly_broken=len(placed[Section.NEWLY_BROKEN]),
        moved=len(placed[Section.MOVED]),
        fixed=len(placed[Section.FIXED]),
        failing=len(placed[Section.FAILING]),
        unverifiable=len(placed[Section.UNVERIFIABLE]),
        unchecked=unchecked,
        snoozed=snoozed,
        reader_reports=sum(1 for r in reports if not r.resolved),
        content_changes=len(placed[Section.CONTENT_CHANGES]),
    )
    watch = await _watch_items(session, context, resources, refs, period)
    placed[Section.WATCH] = list(watch)
    counts = dataclasses.replace(counts, warnings=len(watch))
    watch_line = watch_summary(watch, context.settings.watch_policy())
    run = await run_queries.latest_finished_run(session, guide_slug=guide.slug)
    inconclusive = (
        await run_queries.inconclusive_runs(session, guide_slug=guide.slug)
        if unchecked == len(resources) and resources
        else 0
    )
    return GuideReport(
        slug=guide.slug,
        title=guide.title,
        editors=tuple(guide.editors or ()),
        period=period,
        summary=guide_summary(
            counts,
            review,
            watch_line,
            first=period.kind is PeriodKind.BEGINNING,
            inconclusive_runs=inconclusive,
        ),
        counts=counts,
        sections=sections_of(placed),
        review=review,
        next_review=next_review_due(guide.review_every, guide.last_reviewed),
        latest_run=_run_ref(run) if run is not None else None,
        problems_url=f"{base}/editor/problems",
        links=tuple(links),
        watch_summary=watch_line,
    )


async def _watch_items(
    session: AsyncSession,
    context: _Context,
    resources: Sequence[Resource],
    refs: dict[int, ResourceRef],
    period: Period,
) -> list[WatchItem]:
    """The guide's warnings (snoozed resources' too: a snooze is about a verdict), new when
    they began within the period."""
    found = await resource_warnings(
        session,
        urls={r.id: r.url for r in resources},
        now=context.now,
        policy=context.settings.watch_policy(),
    )
    items: list[WatchItem] = []
    for resource in resources:
        for warning in found.get(resource.id, []):
            new = period.start is None or warning.since is None or warning.since >= period.start
            items.append(
                WatchItem(
                    refs[resource.id],
                    warning.kind,
                    warning.detail,
                    warning.since,
                    new,
                    dict(warning.data),
                )
            )
    return items


def _ref(resource: Resource, base: str) -> ResourceRef:
    return ResourceRef(
        id=resource.id,
        key=resource.key,
        title=resource.title,
        section=resource.section.title if resource.section is not None else None,
        url=resource.url,
        dashboard_url=f"{base}/editor/problems#resource-{resource.id}",
        page_url=f"{base}/editor/resources/{resource.id}",
    )


def _run_ref(run: Run) -> RunRef:
    return RunRef(
        id=run.id,
        trigger=run.trigger,
        status=run.status.value,
        started_at=run.started_at,
        finished_at=run.finished_at,
        checked_urls=run.checked_urls,
    )


def _streak_start(points: Sequence[CheckPoint], verdicts: frozenset[Verdict]) -> datetime | None:
    """When the newest unbroken series of checks with one of `verdicts` began."""
    start: datetime | None = None
    for point in reversed(points):
        if point.verdict not in verdicts:
            break
        start = point.checked_at
    return start


def _evidence(check: Check | None) -> LatestCheck | None:
    if check is None:
        return None
    hops = tuple(
        HopView(url=str(h.get("url", "")), status=_int_or_none(h.get("status")))
        for h in (check.hops or [])
        if isinstance(h, dict)
    )
    return LatestCheck(
        checked_at=check.checked_at,
        status_code=check.status_code,
        final_url=check.final_url,
        error_kind=check.error_kind,
        hops=hops,
        elapsed_ms=check.elapsed_ms,
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _link_item(
    ref: ResourceRef,
    standing: Standing,
    state: LinkState,
    check: Check | None,
    since: datetime | None,
    now: datetime,
    new: bool,
    base: str,
) -> LinkItem:
    fix, accept_url = _fix(ref, state, check)
    accept = None
    if accept_url is not None:
        accept = Accept(
            new_url=accept_url,
            dashboard_url=ref.dashboard_url,
            api_url=f"{base}/v1/editor/resources/{ref.id}/accept-suggestion",
        )
    detail = state.detail or (check.detail if check is not None else "") or ""
    assert standing.verdict is not None
    return LinkItem(
        resource=ref,
        verdict=standing.verdict,
        detail=detail,
        since=since,
        days=history.whole_days(since, now) if since is not None else None,
        new=new,
        evidence=_evidence(check),
        fix=fix,
        accept=accept,
        label=standing.label,
        readers=standing.readers,
        readers_say_since=since is not None and since == standing.readers_since,
        confirmed=standing.confirmed,
    )


def _fix(ref: ResourceRef, state: LinkState, check: Check | None) -> tuple[Fix | None, str | None]:
    """The fix to offer for a link, and the address the accept action takes (a confident
    suggestion's only: a possible one is a lead, never the button)."""
    found = Suggestion.from_json(check.suggestion) if check is not None else None
    if found is not None and found.url != ref.url and found.source in SITE_SOURCES:
        how = f" ({found.summary})" if found.summary else ""
        if found.confident:
            return Fix(FixKind.SAME_SITE, found.url, f"found on the same site{how}"), found.url
        note = f"perhaps on the same site{how}; check it before changing the link"
        return Fix(FixKind.POSSIBLE, found.url, note), None
    suggested = state.suggested_url or (check.suggested_url if check is not None else None)
    if not suggested or suggested == ref.url:
        return None, None
    redirected = check is not None and check.final_url == suggested
    note = (
        "the address it now redirects to"
        if redirected
        else "the address the checker suggests instead"
    )
    return Fix(FixKind.NEW_ADDRESS, suggested, note), suggested


def _by_severity(items: list[LinkItem]) -> list[LinkItem]:
    return sorted(items, key=lambda i: (severity_rank(i.verdict), i.since or i.resource.url))


async def _add_archived_copies(context: _Context, *lists: list[LinkItem]) -> None:
    """Offer an archived copy for each newly broken link the checker has no new address for.

    Still-broken links had theirs in the report that first listed them.
    """
    semaphore = asyncio.Semaphore(ARCHIVE_CONCURRENCY)

    async def look(items: list[LinkItem], index: int) -> None:
        item = items[index]
        async with semaphore:
            near = item.since
            copy = await context.archive.lookup(item.resource.url, near=near)
        if copy is not None:
            note = f"archived copy of {labels.date_label(copy.captured_at)} ({copy.archive})"
            items[index] = dataclasses.replace(item, fix=Fix(FixKind.ARCHIVE, copy.url, note))

    async with asyncio.TaskGroup() as group:
        for items in lists:
            for index, item in enumerate(items):
                if item.fix is None:
                    group.create_task(look(items, index))


async def _refresh_baselines(
    session: AsyncSession, states: dict[str, LinkState], points: dict[str, list[CheckPoint]]
) -> dict[str, str | None]:
    """Each URL's baseline fingerprint: the page as of its guide's last review (see README)."""
    reviewed = await catalog_queries.review_dates_by_url(session, urls=list(states))
    baselines: dict[str, str | None] = {}
    changed: dict[str, str | None] = {}
    for url, state in states.items():
        point = history.baseline_point(points.get(url, []), reviewed.get(url))
        wanted = point.fingerprint if point is not None else state.baseline_fingerprint
        if wanted != state.baseline_fingerprint:
            changed[url] = wanted
        baselines[url] = wanted
    await state_queries.set_baseline_fingerprints(session, fingerprints=changed)
    return baselines


def _content_change(
    context: _Context,
    ref: ResourceRef,
    state: LinkState,
    check: Check | None,
    baselines: dict[str, str | None],
    points: Sequence[CheckPoint],
    before: Sequence[CheckPoint],
) -> ContentChange | None:
    """A working page whose text is far from the reviewed version, else None."""
    similarity = context.similarity
    baseline = baselines.get(ref.url)
    if baseline is None or check is None or not check.fingerprint:
        return None
    if (state.last_verdict or state.verdict) not in (Verdict.OK, Verdict.MOVED):
        return None
    score = similarity(baseline, check.fingerprint)
    if score >= CONTENT_CHANGE_BELOW:
        return None
    baseline_at = next(
        (p.checked_at for p in points if p.fingerprint == baseline), check.checked_at
    )
    earlier = [p for p in before if p.fingerprint and p.verdict in history.WORKING]
    new = not earlier or similarity(baseline, earlier[-1].fingerprint or "") >= (
        CONTENT_CHANGE_BELOW
    )
    return ContentChange(ref, round(score, 3), baseline_at, check.checked_at, new)


async def _reader_reports(
    session: AsyncSession,
    resources: Sequence[Resource],
    refs: dict[int, ResourceRef],
    standing_of: dict[int, Standing],
    period: Period,
) -> list[ReaderReportItem]:
    by_id = {r.id: r for r in resources}
    rows: Sequence[ReaderReport] = await report_queries.reader_reports_for(
        session, resource_ids=list(by_id), since=period.start
    )
    items = []
    for row in rows:
        note = " ".join((row.note or "").split())
        if len(note) > NOTE_LIMIT:
            note = note[: NOTE_LIMIT - 1] + "…"
        items.append(
            ReaderReportItem(
                resource=refs[row.resource_id],
                note=note,
                created_at=row.created_at,
                new=period.start is None or row.created_at >= period.start,
                resolved=row.resolved_at is not None,
                has_contact=bool(row.contact),
                link_verdict=standing_of[row.resource_id].verdict,
                closed=None
                if row.resolved_at is None
                else labels.report_closed(
                    row.resolved_at, row.resolved_by, row.resolution, now=period.end
                ),
            )
        )
    return items


def review_due(guide: Guide, *, today: date) -> ReviewDue | None:
    """The guide's review if it is due or overdue on `today`; never-reviewed guides are due."""
    if guide.review_every is None:
        return None
    if guide.last_reviewed is None:
        return ReviewDue(guide.review_every, None, None, 0)
    due = next_review_due(guide.review_every, guide.last_reviewed)
    if due is None or due > today:
        return None
    return ReviewDue(guide.review_every, guide.last_reviewed, due, (today - due).days)
