"""What the dashboard's templates show: small frozen values built from the store's rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from curator import labels
from curator.domain import Group, RecheckReason, State, Verdict, group_of
from curator.labels import STATES, verdict_label
from curator.standing import ReadsStanding, Standing
from curator.suggestions import Suggestion

PROBLEM_STATES: tuple[State, ...] = (
    State.UNSAFE,
    State.BROKEN,
    State.MOVED,
    State.FAILING,
    State.UNVERIFIABLE,
    State.WORKING,
    State.NEVER_CHECKED,
)
"""The problems page's sections, most severe first (as curator.domain.SEVERITY orders
verdicts), each a state with its words from curator.labels. A working (or never checked) link
appears only when readers reported it."""


def group_name(verdict: Verdict | None) -> str:
    """The CSS/anchor name of a verdict's group ('unknown' when never checked)."""
    return group_of(verdict).value if verdict is not None else Group.UNKNOWN.value


class ShowsVerdict:
    """A row that shows a verdict: its group's name and its words, for the templates."""

    __slots__ = ()
    verdict: Verdict | None

    @property
    def group(self) -> str:
        """The group's name (CSS class, section anchor)."""
        return group_name(self.verdict)

    @property
    def verdict_label(self) -> str:
        """The verdict in words."""
        return verdict_label(self.verdict)


@dataclass(frozen=True, slots=True)
class HopView:
    """One request of a redirect chain."""

    url: str
    status: int | None
    location: str | None


@dataclass(frozen=True, slots=True)
class EvidenceView(ShowsVerdict):
    """What a check saw (the latest, or for an unsafe link the one that found the harmful
    site), with its verdict and what it said."""

    checked_at: datetime | None
    status_code: int | None
    final_url: str | None
    error_kind: str | None
    elapsed_ms: int | None
    attempts: int
    hops: tuple[HopView, ...]
    verdict: Verdict | None = None
    detail: str = ""
    check_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReportView:
    """A reader's report, as editors see it."""

    created_at: datetime
    note: str
    contact: str | None = None

    @property
    def mailto(self) -> str | None:
        """A mailto: link for the contact, when it reads as an email address."""
        contact = self.contact or ""
        if "@" in contact and not any(c.isspace() or c in "<>\"'?&" for c in contact):
            return f"mailto:{contact}"
        return None


@dataclass(frozen=True, slots=True)
class RecheckView:
    """A resource's latest recheck request: when and by whom it was asked for, how far it got."""

    requested_at: datetime
    requested_by: str | None
    reason: RecheckReason
    started_at: datetime | None
    finished_at: datetime | None
    run_id: int | None = None

    @property
    def progress(self) -> str:
        """'waiting' (no process has taken it up yet), 'running' or 'done'."""
        if self.finished_at is not None:
            return "done"
        return "running" if self.started_at is not None else "waiting"

    @property
    def done(self) -> bool:
        """True once the recheck has finished."""
        return self.finished_at is not None

    @property
    def asker(self) -> str:
        """Who asked for it: 'by NAME', or 'after a reader's report'."""
        if self.reason is RecheckReason.REPORT or not self.requested_by:
            return "after a reader's report"
        return f"by {self.requested_by}"


@dataclass(frozen=True, slots=True)
class PastReport:
    """A reader's report an editor has closed: when, by whom and why, in words."""

    report: ReportView
    resolved_at: datetime
    closed: str
    """"closed 3 Dec by NAME: why" (curator.labels.report_closed)."""


@dataclass(frozen=True, slots=True)
class ReportGroup:
    """A resource's open readers' reports as one entry: how many, since when, each one."""

    reports: tuple[ReportView, ...]

    def __bool__(self) -> bool:
        return bool(self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    @property
    def first_at(self) -> datetime | None:
        """When the first of them came in."""
        return min((r.created_at for r in self.reports), default=None)

    @property
    def last_at(self) -> datetime | None:
        """When the latest came in."""
        return max((r.created_at for r in self.reports), default=None)

    @property
    def contacts(self) -> int:
        """How many left a contact address."""
        return sum(1 for r in self.reports if r.contact)


@dataclass(frozen=True, slots=True)
class ProblemView(ReadsStanding):
    """One resource with its standing, and everything an editor needs to decide."""

    resource_id: int
    title: str
    url: str
    guide_title: str
    section_title: str | None
    standing: Standing
    detail: str
    suggested_url: str | None
    evidence: EvidenceView | None
    reports: ReportGroup
    suggestion: Suggestion | None = None
    notes: str | None = None
    """The catalog's notes for editors (never published)."""
    guide_slug: str | None = None
    key: str | None = None
    kind: str | None = None
    audience: str | None = None
    region: str | None = None
    recheck: RecheckView | None = None
    """The latest recheck asked for, if any: the page says whether it waits, runs or is done."""
    harm: EvidenceView | None = None
    """For an unsafe resource, the check that found the harmful site: what the page leads
    with, whatever the checks since found (a timeout says nothing of the casino)."""

    @property
    def verdict_label(self) -> str:
        """The verdict in words."""
        return verdict_label(self.standing.verdict)

    @property
    def finding_label(self) -> str:
        """The verdict the page leads with: the harmful site's, else the standing's."""
        return self.harm.verdict_label if self.harm is not None else self.verdict_label

    @property
    def finding_detail(self) -> str:
        """What the page says was found: the harmful site's check, else the link's detail."""
        return self.harm.detail if self.harm is not None else self.detail

    @property
    def later_evidence(self) -> EvidenceView | None:
        """The latest check's evidence, when it is not the one the page leads with (an unsafe
        link checked again since the harmful site was found)."""
        if self.harm is None or self.evidence is None:
            return self.evidence
        return None if self.evidence.check_id == self.harm.check_id else self.evidence

    @property
    def checked_after_reports(self) -> bool | None:
        """Whether the latest check came after the newest open report (None: no reports, or
        no check): what the reports block sets beside the readers' words."""
        last = self.reports.last_at
        if last is None or self.evidence is None or self.evidence.checked_at is None:
            return None
        return self.evidence.checked_at >= last

    @property
    def group(self) -> str:
        """The group's name (CSS class, colours)."""
        return self.standing.group.value

    @property
    def state(self) -> str:
        """The state's name (section anchor)."""
        return self.standing.state.value

    @property
    def snoozable(self) -> bool:
        """Whether the page offers to snooze it as a false positive: not while its link works
        (there is nothing false to hide; readers' reports about it are closed instead)."""
        return self.standing.group is not Group.WORKING


@dataclass(frozen=True, slots=True)
class ProblemSection:
    """The problems in one state."""

    state: str
    group: str
    heading: str
    note: str
    problems: tuple[ProblemView, ...]


def sections_of(problems: Iterable[ProblemView]) -> tuple[ProblemSection, ...]:
    """Problems split by state, most pressing first; order within a state is kept."""
    items = list(problems)
    sections = []
    for state in PROBLEM_STATES:
        members = tuple(p for p in items if p.standing.state is state)
        if members:
            words = STATES[state]
            sections.append(
                ProblemSection(state.value, members[0].group, words.heading, words.advice, members)
            )
    return tuple(sections)


def hops_of(raw: Sequence[Mapping[str, Any]] | None) -> tuple[HopView, ...]:
    """Hops as stored with a check (dicts of the fetcher's `Hop`), tolerant of missing keys."""
    hops = []
    for hop in raw or ():
        url = hop.get("url")
        if not isinstance(url, str):
            continue
        status = hop.get("status")
        location = hop.get("location")
        hops.append(
            HopView(
                url=url,
                status=status if isinstance(status, int) else None,
                location=location if isinstance(location, str) else None,
            )
        )
    return tuple(hops)


@dataclass(frozen=True, slots=True)
class CheckRow(ShowsVerdict):
    """One past check in a resource's history table and timeline."""

    checked_at: datetime
    verdict: Verdict
    status_code: int | None
    detail: str
    url: str


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One editor action in a resource's history."""

    created_at: datetime
    actor: str
    summary: str


def _to(change: object) -> str | None:
    """The new value of a {"from": …, "to": …} change, as text."""
    if isinstance(change, Mapping) and change.get("to") is not None:
        return str(change["to"])
    return None


def _moment(value: object) -> datetime | None:
    """A moment an action's payload keeps (ISO 8601), or None."""
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return found if found is None or found.tzinfo else found.replace(tzinfo=UTC)


def action_summary(action: str, payload: Mapping[str, Any]) -> str:
    """An editor action in words, from the editor_actions row curator.editing writes."""
    if action == "accept_suggestion":
        url = _to(payload.get("url"))
        return f"Accepted the suggested URL {url}" if url else "Accepted the suggested URL"
    if action == "edit":
        fields = payload.get("fields")
        if isinstance(fields, Mapping) and fields:
            parts = []
            for name in sorted(fields):
                url = _to(fields[name]) if name == "url" else None
                parts.append(f"url to {url}" if url else str(name).replace("_", " "))
            return "Edited " + ", ".join(parts)
        return "Edited"
    if action == "snooze":
        until = _moment(payload.get("until"))
        reason = payload.get("reason")
        words = (
            f"Snoozed as a false positive until {labels.day(until)}"
            if until is not None
            else "Snoozed"
        )
        return f"{words}: {reason}" if reason else words
    if action == "retire":
        reason = payload.get("reason")
        return f"Retired: {reason}" if reason else "Retired"
    if action == "recheck":
        return "Asked for a recheck"
    if action == "close_reports":
        count = payload.get("resolved_reports")
        what = labels.reports(count) if isinstance(count, int) else "readers' reports"
        reason = payload.get("reason")
        return f"Closed {what}: {reason}" if reason else f"Closed {what}"
    return action.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class EditField:
    """One field of the resource's edit form."""

    name: str
    label: str
    value: str
    input_type: str = "text"
    hint: str | None = None
    multiline: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceRow:
    """One resource in the resources list, with its standing."""

    resource_id: int
    guide_slug: str
    guide_title: str
    key: str
    title: str
    url: str
    section_title: str | None
    standing: Standing
    last_checked_at: datetime | None

    @property
    def group(self) -> str:
        """The group's name (CSS class, colours)."""
        return self.standing.group.value

    @property
    def label(self) -> str:
        """The state in words."""
        return self.standing.label

    @property
    def readers(self) -> str:
        """What readers see, in a sentence."""
        return self.standing.readers

    @property
    def verdict_label(self) -> str:
        """The verdict shown, in words."""
        return verdict_label(self.standing.verdict)

    @property
    def open_reports(self) -> int:
        """Readers' reports no editor has dealt with yet."""
        return self.standing.open_reports

    @property
    def address(self) -> str:
        """`guide/key`, as the editor API takes it."""
        return f"{self.guide_slug}/{self.key}"


@dataclass(frozen=True, slots=True)
class ResultRow(ShowsVerdict):
    """What a run found for one URL, on the run's page."""

    url: str
    verdict: Verdict
    status_code: int | None
    detail: str
    final_url: str | None
    checked_at: datetime
    resources: tuple[tuple[int, str], ...]
    """(resource id, title) of each resource listing the URL."""


@dataclass(frozen=True, slots=True)
class JobRow:
    """A scheduled job on the runs page: how its latest start ended, when it is next due."""

    job_id: str
    last_status: str | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    next_due_at: datetime | None
    last_error: str | None

    @property
    def status_group(self) -> str:
        """Badge colour for how the job last ended."""
        return {
            "succeeded": "working",
            "running": "update",
            "skipped": "unknown",
            "inconclusive": "unknown",
            None: "muted",
        }.get(self.last_status, "broken")

    @property
    def error_line(self) -> str | None:
        """The last line of the error (a traceback ends with the exception), for the table."""
        lines = [line for line in (self.last_error or "").splitlines() if line.strip()]
        return lines[-1].strip() if lines else None


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run in the runs table."""

    id: int
    trigger: str
    guide_slug: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    checked: int
    total: int
    counts: tuple[tuple[str, int], ...]
    summary: str | None

    @property
    def status_group(self) -> str:
        """Badge colour for the run's status."""
        return {
            "completed": "working",
            "running": "update",
            "inconclusive": "unknown",
        }.get(self.status, "broken")

    @property
    def duration(self) -> str:
        """'2 min 5 s', or 'running' while it runs."""
        if self.finished_at is None:
            return "running" if self.status == "running" else "—"
        seconds = max(0, int((self.finished_at - self.started_at).total_seconds()))
        if seconds < 60:
            return f"{seconds} s"
        if seconds < 3600:
            return f"{seconds // 60} min {seconds % 60} s"
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def ordered_counts(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """A run's counts per verdict in editors' words ("expected content missing: 1", as the
    problems and each check say it), in the verdicts' own order, zeros left out."""
    known = [(verdict_label(v), counts.get(v.value, 0)) for v in Verdict]
    extra = [(k, n) for k, n in counts.items() if k not in {v.value for v in Verdict}]
    return tuple((k, n) for k, n in known + sorted(extra) if n)
