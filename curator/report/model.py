"""The refresh report as a frozen value: what editors must do, per guide, over a period.

`curator.report.build.build_report` makes it from the store (and, for broken links without a
new address, an archive); `curator.report.summary` words its first lines; renderers
(`render.py`) only read it. Data flows one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from curator.domain import Group, State, Verdict, group_of
from curator.labels import STATES
from curator.registration.warnings import WarningKind
from curator.report import history

Similarity = Callable[[str, str], float]
"""How alike two visible-text fingerprints are: 1.0 the same page, near 0 unrelated."""

# A page whose text is less alike than this to the reviewed version "changed a lot". On the
# checker's 64-bit simhash (1.0 the same, about 0.5 unrelated) that is roughly a third or more
# of the text replaced; a date or a sentence edited stays well above it.
# Archive look-ups at once (one per broken link without a new address).


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

    @property
    def answer(self) -> int | None:
        """The last HTTP status the check received: the final response's, else the last hop's
        (a chain of redirects cut short by a loop, too many redirects or a refused address
        still got answers); None only when nothing answered."""
        if self.status_code is not None:
            return self.status_code
        return next((hop.status for hop in reversed(self.hops) if hop.status is not None), None)


class FixKind(StrEnum):
    """Where a suggested fix comes from."""

    NEW_ADDRESS = "new_address"
    """The checker found where the page went (a permanent redirect's target)."""
    SAME_SITE = "same_site"
    """Found on the same site, and its page matches the old one (a confident suggestion)."""
    POSSIBLE = "possible"
    """Perhaps the page, on the same site: a lead to check, never the accept action."""
    ARCHIVE = "archive"
    """An archived copy of the page (Wayback Machine)."""


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested fix for a link."""

    kind: FixKind
    url: str
    note: str

    @property
    def label(self) -> str:
        """How the report introduces it: a fix, or only a lead."""
        return "Possibly moved" if self.kind is FixKind.POSSIBLE else "Suggested fix"


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
    label: str = ""
    """The link's state in editors' words ("failing, not confirmed yet"; curator.labels)."""
    readers: str = ""
    """What readers see ("Hidden from readers since 3 Dec (confirmed broken)")."""
    readers_say_since: bool = False
    """`readers` already says `since` (a failure not confirmed yet, or a harmful site hidden
    since it was found): the item says it once, leaving out its own since line."""
    confirmed: bool = True
    """`verdict` is confirmed over several checks, not only the latest check's."""

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
    closed: str | None = None
    """How it was closed, in editors' words ("closed 3 Dec by NAME: why"); None while open."""


@dataclass(frozen=True, slots=True)
class ReaderReports:
    """One resource's readers' reports in the period, as one entry: each report, newest first."""

    resource: ResourceRef
    reports: tuple[ReaderReportItem, ...]
    link_verdict: Verdict | None
    """What the checker currently says of the link."""

    @property
    def new(self) -> bool:
        """Whether any of them came in since the last report."""
        return any(r.new for r in self.reports)

    @property
    def resolved(self) -> bool:
        """Whether an editor has dealt with every one of them."""
        return all(r.resolved for r in self.reports)

    @property
    def contacts(self) -> int:
        """How many of the readers left a contact address (it is on the dashboard)."""
        return sum(1 for r in self.reports if r.has_contact)


def group_reader_reports(items: Sequence[ReaderReportItem]) -> list[ReaderReports]:
    """Reports of one resource as one entry each, in the order of each one's first report."""
    by_resource: dict[int, list[ReaderReportItem]] = {}
    for item in items:
        by_resource.setdefault(item.resource.id, []).append(item)
    return [
        ReaderReports(
            resource=group[0].resource,
            reports=tuple(sorted(group, key=lambda r: r.created_at, reverse=True)),
            link_verdict=group[0].link_verdict,
        )
        for group in by_resource.values()
    ]


@dataclass(frozen=True, slots=True)
class ContentChange:
    """A working page whose visible text moved far from the version last reviewed."""

    resource: ResourceRef
    similarity: float
    baseline_checked_at: datetime
    checked_at: datetime
    new: bool


@dataclass(frozen=True, slots=True)
class WatchItem:
    """A warning that a resource may soon be lost while its link still works: not a verdict."""

    resource: ResourceRef
    kind: WarningKind
    detail: str
    since: datetime | None
    new: bool
    """The warning began within the period (editors have not been told)."""
    data: dict[str, object] = field(default_factory=dict)

    @property
    def since_shown(self) -> datetime | None:
        """When the state began, for statuses and name servers (an expiry says its date)."""
        dated = (WarningKind.DOMAIN_EXPIRY, WarningKind.CERTIFICATE_EXPIRY)
        return None if self.kind in dated else self.since


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
    state: State | None = None
    """Where the resource stands (curator.standing)."""
    label: str = ""
    """The state in editors' words."""
    public: bool = True
    """Readers see it on the public list."""


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
    unsafe: int = 0
    """Hidden at once: checks found a site harmful to readers there (not counted in `broken`
    until confirmed)."""
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
    warnings: int = 0


# --- sections --------------------------------------------------------------------------------


class Section(StrEnum):
    """The report's sections, in the order editors read them. A new section is a member here,
    its entry in `SECTIONS`, the rule in `curator.report.build` that places items in it, and one
    block named after it in each format's sections template (templates/sections.*.j2)."""

    UNSAFE = "unsafe"
    """Hidden at once, before confirmation: checks found a site harmful to readers there."""
    NEWLY_BROKEN = "newly_broken"
    STILL_BROKEN = "still_broken"
    FIXED = "fixed"
    MOVED = "moved"
    UNVERIFIABLE = "unverifiable"
    FAILING = "failing"
    """Failures not confirmed yet (transient): rechecked before they count as broken."""
    READER_REPORTS = "reader_reports"
    CONTENT_CHANGES = "content_changes"
    WATCH = "watch"
    """Warnings: domains expiring, on hold or in redemption, parked name servers, certificates
    expiring. The links stay as their verdicts say."""


class News(StrEnum):
    """Which of a section's items are news that editors have not been told."""

    EVERY_ITEM = "every_item"
    NEW_ITEMS = "new_items"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """How a section reads: its heading, the line under it, how its items date their state."""

    title: str
    note: str = ""
    since: str = ""
    """How an item's start is introduced ("Failing since")."""
    news: News = News.NEW_ITEMS
    mark_new: bool = True
    """Whether items say they are new (not where every item is)."""


SECTIONS: dict[Section, SectionSpec] = {
    Section.UNSAFE: SectionSpec(
        STATES[State.UNSAFE].heading,
        STATES[State.UNSAFE].advice,
        since="Hidden since",
        news=News.EVERY_ITEM,  # urgent while it lasts: every report says so until it ends
        mark_new=False,
    ),
    Section.NEWLY_BROKEN: SectionSpec(
        "Newly broken", since="Failing since", news=News.EVERY_ITEM, mark_new=False
    ),
    Section.STILL_BROKEN: SectionSpec(
        "Still broken", since="Broken since", news=News.NONE, mark_new=False
    ),
    Section.FIXED: SectionSpec("Fixed", news=News.EVERY_ITEM, mark_new=False),
    Section.MOVED: SectionSpec("Moved: update the address", since="Moved since"),
    Section.UNVERIFIABLE: SectionSpec(
        "Unverifiable",
        "The sites refuse automated checks: not evidence of a broken link. Open them by hand.",
        since="Refusing since",
    ),
    Section.FAILING: SectionSpec(
        STATES[State.FAILING].heading,
        "Still published; rechecked before they count as broken.",
        since="Failing since",
        news=News.NONE,
    ),
    Section.READER_REPORTS: SectionSpec("Readers' reports"),
    Section.CONTENT_CHANGES: SectionSpec(
        "Pages that changed a lot since the last review",
        "Re-read them: a live page can still be out of date.",
    ),
    Section.WATCH: SectionSpec(
        "Watch",
        "Warnings, not verdicts: these links still work and stay published. "
        "Act before readers are harmed.",
    ),
}

SectionItem = LinkItem | FixedItem | ReaderReports | ContentChange | WatchItem


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One section of a guide's report and its items."""

    kind: Section
    items: tuple[SectionItem, ...]

    @property
    def spec(self) -> SectionSpec:
        """How it reads."""
        return SECTIONS[self.kind]

    @property
    def has_news(self) -> bool:
        """Something in it that editors have not been told."""
        match self.spec.news:
            case News.EVERY_ITEM:
                return bool(self.items)
            case News.NEW_ITEMS:
                return any(getattr(item, "new", False) for item in self.items)
            case News.NONE:
                return False


def sections_of(placed: Mapping[Section, Sequence[SectionItem]]) -> tuple[ReportSection, ...]:
    """Every section in reading order, with what was placed in it."""
    return tuple(ReportSection(kind, tuple(placed.get(kind, ()))) for kind in Section)


@dataclass(frozen=True, slots=True)
class GuideReport:
    """One guide's part of the report; `summary` is its first line."""

    slug: str
    title: str
    editors: tuple[str, ...]
    period: Period
    summary: str
    counts: Counts
    sections: tuple[ReportSection, ...]
    """Every section in `Section` order, empty ones included (renderers skip those)."""
    review: ReviewDue | None
    next_review: date | None
    latest_run: RunRef | None
    problems_url: str
    links: tuple[LinkStanding, ...] = ()
    watch_summary: str = ""
    """ "Watch: 2 domains expire within 30 days" (empty without warnings)."""

    @property
    def has_news(self) -> bool:
        """Something changed in the period that editors have not been told."""
        return any(section.has_news for section in self.sections)

    def items(self, kind: Section | str) -> tuple[SectionItem, ...]:
        """One section's items."""
        wanted = Section(kind)
        return next(s.items for s in self.sections if s.kind is wanted)

    @property
    def shown(self) -> tuple[ReportSection, ...]:
        """The sections with something in them, in reading order."""
        return tuple(s for s in self.sections if s.items)

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
