"""The refresh report as a frozen value: what editors must do, per guide, over a period.

`build_report` reads the store (and, for broken links without a new address, an archive);
renderers (`render.py`) only read the value it returns. Data flows one way.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from curator.archive import ArchiveLookup, NoArchive
from curator.check.state import ConfirmPolicy
from curator.check.text import similarity as text_similarity
from curator.domain import Group, MailKind, Verdict, group_of, next_review_due, severity_rank
from curator.errors import NotFoundError
from curator.report import history
from curator.settings import Settings
from curator.store import catalog as catalog_queries
from curator.store import checks as check_queries
from curator.store import deliveries
from curator.store import link_states as state_queries
from curator.store import reader_reports as report_queries
from curator.store import runs as run_queries
from curator.store.catalog import all_guides, require_guide
from curator.store.checks import CheckPoint
from curator.store.link_states import link_states
from curator.store.models import Check, Guide, LinkState, ReaderReport, Resource, Run

Similarity = Callable[[str, str], float]
"""How alike two visible-text fingerprints are: 1.0 the same page, near 0 unrelated."""

# A page whose text is less alike than this to the reviewed version "changed a lot". On the
# checker's 64-bit simhash (1.0 the same, about 0.5 unrelated) that is roughly a third or more
# of the text replaced; a date or a sentence edited stays well above it.
CONTENT_CHANGE_BELOW = 0.7
# Archive look-ups at once (one per broken link without a new address).
ARCHIVE_CONCURRENCY = 4
NOTE_LIMIT = 500


# --- the period ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SinceRun:
    """`--since RUN`: the period starts when that run started."""

    run_id: int


Since = SinceRun | datetime


def parse_since(text: str) -> Since:
    """`--since` as typed: a run id ("12"), a date ("2026-06-01", UTC) or an ISO date-time."""
    value = text.strip()
    if value.isdigit():
        return SinceRun(int(value))
    try:
        return history.start_of(date.fromisoformat(value))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a run id (12), a date (2026-06-01) nor a date-time"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class PeriodKind(StrEnum):
    """Where a report's period starts."""

    LAST_REPORT = "last_report"
    RUN = "run"
    DATE = "date"
    BEGINNING = "beginning"


@dataclass(frozen=True, slots=True)
class Period:
    """What counts as new: everything seen from `start` (None: since the beginning) to `end`."""

    kind: PeriodKind
    start: datetime | None
    end: datetime
    label: str
    run_id: int | None = None


# --- the items -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """Which catalogued resource an item is about, and where an editor deals with it."""

    id: int
    key: str
    title: str
    section: str | None
    url: str
    dashboard_url: str
    """The resource's entry on the dashboard's problems page."""
    page_url: str
    """The resource's own dashboard page: history, evidence, actions."""


@dataclass(frozen=True, slots=True)
class HopView:
    """One hop of the redirect chain the checker followed."""

    url: str
    status: int | None


@dataclass(frozen=True, slots=True)
class LatestCheck:
    """What the latest check saw."""

    checked_at: datetime
    status_code: int | None
    final_url: str | None
    error_kind: str | None
    hops: tuple[HopView, ...]
    elapsed_ms: int | None


class FixKind(StrEnum):
    """Where a suggested fix comes from."""

    NEW_ADDRESS = "new_address"
    """The checker found where the page went (a permanent redirect's target)."""
    ARCHIVE = "archive"
    """An archived copy of the page (Wayback Machine)."""


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested fix for a link."""

    kind: FixKind
    url: str
    note: str


@dataclass(frozen=True, slots=True)
class Accept:
    """The editor action that replaces a resource's URL with the suggested one."""

    new_url: str
    dashboard_url: str
    api_url: str
    api_method: str = "POST"


@dataclass(frozen=True, slots=True)
class LinkItem:
    """One link in a state an editor should know about."""

    resource: ResourceRef
    verdict: Verdict
    detail: str
    since: datetime | None
    """When the link entered this state (for broken links: the first failed check)."""
    days: int | None
    """Whole days in this state, up to the report."""
    new: bool
    """Entered this state within the report's period."""
    evidence: LatestCheck | None
    fix: Fix | None = None
    accept: Accept | None = None

    @property
    def group(self) -> Group:
        """The verdict's group."""
        return group_of(self.verdict)


@dataclass(frozen=True, slots=True)
class FixedItem:
    """A link that was broken when the period began and works now."""

    resource: ResourceRef
    was: Verdict
    now: Verdict
    working_since: datetime | None


@dataclass(frozen=True, slots=True)
class ReaderReportItem:
    """A reader's report that a resource's link does not work."""

    resource: ResourceRef
    note: str
    created_at: datetime
    new: bool
    resolved: bool
    has_contact: bool
    link_verdict: Verdict | None
    """What the checker currently says of the link."""


@dataclass(frozen=True, slots=True)
class ContentChange:
    """A working page whose visible text moved far from the version last reviewed."""

    resource: ResourceRef
    similarity: float
    baseline_checked_at: datetime
    checked_at: datetime
    new: bool


@dataclass(frozen=True, slots=True)
class LinkStanding:
    """Every active resource of a guide with what the checker says of it (a review's checklist)."""

    resource: ResourceRef
    verdict: Verdict | None
    checked_at: datetime | None
    snoozed: bool
    content_changed: bool
    unconfirmed: bool = False
    """The latest checks failed, but not yet for long enough to count as broken."""


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A guide whose review is due or overdue."""

    review_every: str
    last_reviewed: date | None
    due: date | None
    """None when no review was ever recorded."""
    overdue_days: int

    @property
    def overdue(self) -> bool:
        """Past its due date, or never reviewed."""
        return self.due is None or self.overdue_days > 0


@dataclass(frozen=True, slots=True)
class RunRef:
    """A check run, as the report mentions it."""

    id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    checked_urls: int


@dataclass(frozen=True, slots=True)
class Counts:
    """How many of a guide's links are in each situation."""

    links: int = 0
    working: int = 0
    broken: int = 0
    newly_broken: int = 0
    moved: int = 0
    fixed: int = 0
    failing: int = 0
    unverifiable: int = 0
    unchecked: int = 0
    snoozed: int = 0
    reader_reports: int = 0
    content_changes: int = 0


@dataclass(frozen=True, slots=True)
class GuideReport:
    """One guide's part of the report; `summary` is its first line."""

    slug: str
    title: str
    editors: tuple[str, ...]
    period: Period
    summary: str
    counts: Counts
    newly_broken: tuple[LinkItem, ...]
    still_broken: tuple[LinkItem, ...]
    fixed: tuple[FixedItem, ...]
    moved: tuple[LinkItem, ...]
    failing: tuple[LinkItem, ...]
    """Failures not confirmed yet (transient): rechecked before they count as broken."""
    unverifiable: tuple[LinkItem, ...]
    reader_reports: tuple[ReaderReportItem, ...]
    content_changes: tuple[ContentChange, ...]
    review: ReviewDue | None
    next_review: date | None
    latest_run: RunRef | None
    problems_url: str
    links: tuple[LinkStanding, ...] = ()

    @property
    def has_news(self) -> bool:
        """Something changed in the period that editors have not been told."""
        return bool(
            self.newly_broken
            or self.fixed
            or any(i.new for i in self.moved)
            or any(i.new for i in self.unverifiable)
            or any(i.new for i in self.reader_reports)
            or any(i.new for i in self.content_changes)
        )

    @property
    def needs_sending(self) -> bool:
        """Worth an email: news, or a review due."""
        return self.has_news or self.review is not None


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """The refresh report: a summary line, then each guide."""

    generated_at: datetime
    timezone: str
    base_url: str
    summary: str
    guides: tuple[GuideReport, ...] = field(default_factory=tuple)

    @property
    def has_news(self) -> bool:
        """Some guide has news."""
        return any(g.has_news for g in self.guides)


# --- building --------------------------------------------------------------------------------


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
        summary=overall_summary(built),
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
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone.key}"


async def _build_guide(
    session: AsyncSession, context: _Context, guide: Guide, since: Since | None
) -> GuideReport:
    base = context.settings.public_base_url.rstrip("/")
    now = context.now
    period = await report_period(
        session, guide_slug=guide.slug, since=since, now=now, zone=context.zone
    )
    resources = [r for r in guide.resources if r.retired_at is None]
    urls = {r.url for r in resources}
    states = await link_states(session, urls=sorted(urls))
    points = await check_queries.check_points(session, urls=urls)
    latest = await check_queries.checks_by_id(
        session, ids={s.last_check_id for s in states.values() if s.last_check_id is not None}
    )
    baselines = await _refresh_baselines(session, states, points)
    refs = {r.id: _ref(r, base) for r in resources}

    newly: list[LinkItem] = []
    still: list[LinkItem] = []
    fixed: list[FixedItem] = []
    moved: list[LinkItem] = []
    failing: list[LinkItem] = []
    unverifiable: list[LinkItem] = []
    changes: list[ContentChange] = []
    links: list[LinkStanding] = []
    working = unchecked = snoozed = 0
    for resource in resources:
        ref = refs[resource.id]
        state = states.get(resource.url)
        is_snoozed = resource.snoozed_until is not None and resource.snoozed_until > now
        links.append(
            LinkStanding(
                ref,
                shown_verdict(state),
                state.last_checked_at if state is not None else None,
                is_snoozed,
                False,
                unconfirmed=state is not None
                and state.consecutive_failures > 0
                and not history.is_broken(state.verdict),
            )
        )
        if is_snoozed:
            snoozed += 1
            continue
        if state is None or shown_verdict(state) is None:
            unchecked += 1
            continue
        history_ = points.get(resource.url, [])
        before = history.until(history_, period.start)
        # What the checker believed when the period began (what the last report said).
        then = history.replay(before, context.policy) if period.start is not None else None
        check = latest.get(state.last_check_id) if state.last_check_id is not None else None
        confirmed = state.verdict
        latest_verdict = state.last_verdict or confirmed
        assert latest_verdict is not None
        was_broken = then is not None and history.is_broken(then.verdict)
        if history.is_broken(confirmed):
            assert confirmed is not None
            since_ = state.first_failure_at or _streak_start(history_, history.FAILING)
            item = _link_item(ref, confirmed, state, check, since_, now, not was_broken, base)
            (still if was_broken else newly).append(item)
            continue
        if was_broken and then is not None and then.verdict is not None:
            fixed.append(FixedItem(ref, then.verdict, latest_verdict, state.last_ok_at))
        if latest_verdict in (Verdict.OK, Verdict.MOVED):
            working += 1
        if state.consecutive_failures > 0:
            # A failure not confirmed yet: the public list still shows the resource.
            new = then is None or then.consecutive_failures == 0
            since_ = state.first_failure_at or _streak_start(history_, history.FAILING)
            failing.append(_link_item(ref, latest_verdict, state, check, since_, now, new, base))
        elif latest_verdict is Verdict.UNVERIFIABLE:
            new = then is None or then.last_verdict is not Verdict.UNVERIFIABLE
            since_ = _streak_start(history_, frozenset({Verdict.UNVERIFIABLE}))
            unverifiable.append(
                _link_item(ref, latest_verdict, state, check, since_, now, new, base)
            )
        elif confirmed is Verdict.MOVED:
            new = then is None or then.verdict is not Verdict.MOVED
            since_ = _streak_start(history_, frozenset({Verdict.MOVED}))
            moved.append(_link_item(ref, confirmed, state, check, since_, now, new, base))
        change = _content_change(context, ref, state, check, baselines, history_, before)
        if change is not None:
            changes.append(change)
            links[-1] = dataclasses.replace(links[-1], content_changed=True)

    await _add_archived_copies(context, newly)
    newly_t, still_t = tuple(_by_severity(newly)), tuple(_by_severity(still))
    reports = await _reader_reports(session, resources, refs, states, period)
    review = review_due(guide, today=now.astimezone(context.zone).date())
    counts = Counts(
        links=len(resources),
        working=working,
        broken=len(newly_t) + len(still_t),
        newly_broken=len(newly_t),
        moved=len(moved),
        fixed=len(fixed),
        failing=len(failing),
        unverifiable=len(unverifiable),
        unchecked=unchecked,
        snoozed=snoozed,
        reader_reports=sum(1 for r in reports if not r.resolved),
        content_changes=len(changes),
    )
    run = await run_queries.latest_finished_run(session, guide_slug=guide.slug)
    return GuideReport(
        slug=guide.slug,
        title=guide.title,
        editors=tuple(guide.editors or ()),
        period=period,
        summary=guide_summary(counts, review),
        counts=counts,
        newly_broken=newly_t,
        still_broken=still_t,
        fixed=tuple(fixed),
        moved=tuple(moved),
        failing=tuple(failing),
        unverifiable=tuple(unverifiable),
        reader_reports=tuple(reports),
        content_changes=tuple(changes),
        review=review,
        next_review=next_review_due(guide.review_every, guide.last_reviewed),
        latest_run=_run_ref(run) if run is not None else None,
        problems_url=f"{base}/editor/problems",
        links=tuple(links),
    )


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


def shown_verdict(state: LinkState | None) -> Verdict | None:
    """The verdict to show for a link: the confirmed one when broken, else the latest check's."""
    if state is None:
        return None
    if history.is_broken(state.verdict):
        return state.verdict
    return state.last_verdict or state.verdict


def _link_item(
    ref: ResourceRef,
    verdict: Verdict,
    state: LinkState,
    check: Check | None,
    since: datetime | None,
    now: datetime,
    new: bool,
    base: str,
) -> LinkItem:
    suggested = state.suggested_url or (check.suggested_url if check is not None else None)
    fix = accept = None
    if suggested and suggested != ref.url:
        redirected = check is not None and check.final_url == suggested
        note = (
            "the address it now redirects to"
            if redirected
            else "the address the checker suggests instead"
        )
        fix = Fix(FixKind.NEW_ADDRESS, suggested, note)
        accept = Accept(
            new_url=suggested,
            dashboard_url=ref.dashboard_url,
            api_url=f"{base}/v1/editor/resources/{ref.id}/accept-suggestion",
        )
    detail = state.detail or (check.detail if check is not None else "") or ""
    return LinkItem(
        resource=ref,
        verdict=verdict,
        detail=detail,
        since=since,
        days=history.whole_days(since, now) if since is not None else None,
        new=new,
        evidence=_evidence(check),
        fix=fix,
        accept=accept,
    )


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
            note = f"archived copy of {copy.captured_at:%Y-%m-%d} ({copy.archive})"
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
    for url, state in states.items():
        point = history.baseline_point(points.get(url, []), reviewed.get(url))
        wanted = point.fingerprint if point is not None else state.baseline_fingerprint
        if wanted != state.baseline_fingerprint:
            await state_queries.set_baseline_fingerprint(session, url=url, fingerprint=wanted)
        baselines[url] = wanted
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
    states: dict[str, LinkState],
    period: Period,
) -> list[ReaderReportItem]:
    by_id = {r.id: r for r in resources}
    rows: Sequence[ReaderReport] = await report_queries.reader_reports_for(
        session, resource_ids=list(by_id), since=period.start
    )
    items = []
    for row in rows:
        resource = by_id[row.resource_id]
        state = states.get(resource.url)
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
                link_verdict=shown_verdict(state),
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


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def guide_summary(counts: Counts, review: ReviewDue | None) -> str:
    """A guide's first line: "3 broken (1 new), 2 moved, review due 2026-12-01"."""
    parts: list[str] = []
    if counts.broken:
        new = f" ({counts.newly_broken} new)" if 0 < counts.newly_broken < counts.broken else ""
        parts.append(f"{counts.broken} broken{new}")
    if counts.moved:
        parts.append(f"{counts.moved} moved")
    if counts.fixed:
        parts.append(f"{counts.fixed} fixed")
    if counts.unverifiable:
        parts.append(f"{counts.unverifiable} unverifiable")
    if counts.failing:
        parts.append(f"{counts.failing} not yet confirmed")
    if counts.reader_reports:
        parts.append(_plural(counts.reader_reports, "reader's report", "readers' reports"))
    if counts.content_changes:
        parts.append(_plural(counts.content_changes, "page", "pages") + " changed")
    if review is not None:
        if review.due is None:
            parts.append("review due (never reviewed)")
        elif review.overdue:
            parts.append(f"review overdue since {review.due.isoformat()}")
        else:
            parts.append(f"review due {review.due.isoformat()}")
    if parts:
        return ", ".join(parts)
    if counts.unchecked == counts.links:
        return f"{_plural(counts.links, 'link')} not checked yet"
    if counts.working == 1:
        return "the one checked link works; nothing to do"
    return f"all {counts.working} checked links work; nothing to do"


def overall_summary(guides: Sequence[GuideReport]) -> str:
    """The report's first line: "3 broken, 2 moved, 1 guide due for review"."""
    broken = sum(g.counts.broken for g in guides)
    moved = sum(g.counts.moved for g in guides)
    reviews = sum(1 for g in guides if g.review is not None)
    parts = [f"{broken} broken", f"{moved} moved"]
    if reviews:
        parts.append(_plural(reviews, "guide") + " due for review")
    reports = sum(g.counts.reader_reports for g in guides)
    if reports:
        parts.append(_plural(reports, "reader's report", "readers' reports"))
    changed = sum(g.counts.content_changes for g in guides)
    if changed:
        parts.append(_plural(changed, "page", "pages") + " changed")
    return ", ".join(parts)
