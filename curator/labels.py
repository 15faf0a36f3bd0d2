"""The one vocabulary: the words editors read for each verdict, group and state, and each
group's colours. The dashboard, the report (text, HTML, Markdown), `curator check`'s tables and
the editor API's `label` fields all take their words from here; nothing else words a verdict.

A new verdict, group or state is a row in each table that names it (a test fails while one is
missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from curator.domain import ActionKind, Group, Need, State, Verdict

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.OK: "working",
    Verdict.MOVED: "moved",
    Verdict.BROKEN: "broken",
    Verdict.SOFT_404: "soft 404 (an error page)",
    Verdict.PARKED: "parked or taken over",
    Verdict.CHANGED: "expected content missing",
    Verdict.INSECURE: "TLS failure",
    Verdict.TRANSIENT: "temporary failure (no answer, 5xx)",
    Verdict.UNVERIFIABLE: "refuses automated checks",
}
"""One check's verdict in words."""

_VERDICT_PLURALS: dict[Verdict, str] = {
    Verdict.SOFT_404: "soft 404s (error pages)",
    Verdict.INSECURE: "TLS failures",
    Verdict.TRANSIENT: "temporary failures (no answer, 5xx)",
}
"""The verdicts whose words are a noun, counted more than once (the others are adjectives:
"2 broken", "3 moved")."""

NOT_CHECKED = "not checked yet"
"""A link with no verdict."""


@dataclass(frozen=True, slots=True)
class GroupWords:
    """How a group reads and looks."""

    label: str
    title: str
    """A heading over the group's links (`curator check`'s tables)."""
    colour: str
    """Foreground: text, borders, the timeline's bars."""
    background: str
    """A badge's background."""


GROUPS: dict[Group, GroupWords] = {
    Group.BROKEN: GroupWords("broken", "Broken: readers cannot use these", "#b91c1c", "#fdf0f0"),
    Group.UNKNOWN: GroupWords("unknown", "Unknown: not confirmed either way", "#8a3c0c", "#fff8eb"),
    Group.UPDATE: GroupWords(
        "update", "Update: they work, but the address should change", "#5b21b6", "#f5f0ff"
    ),
    Group.WORKING: GroupWords("working", "Working", "#166534", "#effaf2"),
}
"""Each group's words and colours, worst first: the same on the dashboard and in email."""


@dataclass(frozen=True, slots=True)
class StateWords:
    """How a state reads: its label, and a list's heading and advice for editors."""

    label: str
    heading: str
    advice: str


STATES: dict[State, StateWords] = {
    State.UNSAFE: StateWords(
        "unsafe: now a harmful site",
        "Unsafe: now a harmful site",
        "Hidden from readers at once, before the failure is confirmed: the latest checks found"
        " a gambling, adult, pharmacy, crypto or loans site, or a scam, where the resource was."
        " Replace or retire it; a check that finds the page working publishes it again, and a"
        " snooze keeps a false positive published.",
    ),
    State.BROKEN: StateWords(
        "confirmed broken",
        "Confirmed broken",
        "Hidden from readers: they would reach a dead, wrong or unsafe page."
        " Fix the link, replace it, or retire it.",
    ),
    State.FAILING: StateWords(
        "failing, not confirmed yet",
        "Failing, not confirmed yet",
        "Still published: curator rechecks them before they count as broken."
        " Recheck now, or snooze a false positive.",
    ),
    State.MOVED: StateWords(
        "moved: update the address",
        "Moved",
        "Still published and working, at an address that should change: a permanent"
        " redirect's target, or the page itself when the section a link names is gone."
        " Accept the new address.",
    ),
    State.UNVERIFIABLE: StateWords(
        "refuses automated checks",
        "Refuses automated checks",
        "Still published: the sites refuse automated checks, which is no evidence either way."
        " Open them by hand.",
    ),
    State.WORKING: StateWords(
        "working",
        "Reported by readers",
        "curator finds these links working, but readers reported a problem: compare their"
        " reports with the latest check's evidence, open the page, then fix the resource or"
        " close the reports saying why.",
    ),
    State.NEVER_CHECKED: StateWords(
        NOT_CHECKED,
        "Not checked yet",
        "Published with status unknown until a conclusive check.",
    ),
    State.SNOOZED: StateWords(
        "snoozed as a false positive",
        "Snoozed",
        "Editors called these failures false positives: they stay published and count as"
        " working until the snooze ends.",
    ),
    State.RETIRED: StateWords(
        "retired",
        "Retired",
        "Off their guide's list; their history stays. Restore one to publish it again.",
    ),
}
"""Each state's words, in the order editors' lists show them."""

NEEDS: dict[Need, str] = {
    Need.UNSAFE: "unsafe, now a harmful site: hidden at once; replace or retire it",
    Need.BROKEN: "confirmed broken: fix, replace or retire it",
    Need.FAILING: "failing, not confirmed yet: recheck it, or snooze a false positive",
    Need.MOVED: "moved: accept the new address",
    Need.UNVERIFIABLE: "refuses automated checks: open it by hand",
    Need.READER_REPORTS: "readers reported a problem: fix it, or close their reports saying why",
}
"""Why a resource needs an editor, in words."""


def verdict_label(verdict: Verdict | str | None) -> str:
    """A verdict in editors' words ("not checked yet" for none)."""
    return NOT_CHECKED if verdict is None else VERDICT_LABELS[Verdict(verdict)]


def verdict_count(verdict: Verdict, count: int) -> str:
    """A count of checks with their verdict: "1 temporary failure (no answer, 5xx)", "2
    temporary failures (no answer, 5xx)", "3 broken"."""
    return plural(
        count, VERDICT_LABELS[verdict], _VERDICT_PLURALS.get(verdict, VERDICT_LABELS[verdict])
    )


def group_label(group: Group | str) -> str:
    """A group in editors' words."""
    return GROUPS[Group(group)].label


def state_label(state: State | str) -> str:
    """A state in editors' words."""
    return STATES[State(state)].label


def colours(group: Group | str) -> tuple[str, str]:
    """A group's foreground and background colours."""
    words = GROUPS[Group(group)]
    return words.colour, words.background


def day(moment: datetime, *, now: datetime | None = None) -> str:
    """A date as editors read it in sentences (UTC): "3 Dec" in the year of `now`,
    "3 Dec 2025" otherwise."""
    local = moment.astimezone(UTC)
    if now is not None and now.astimezone(UTC).year == local.year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def date_label(moment: date) -> str:
    """A date in full, as tables and time stamps show it: "24 Nov 2026"."""
    return f"{moment.day} {moment:%b %Y}"


def moment_label(moment: datetime, zone: tzinfo = UTC) -> str:
    """A moment in full: "24 Nov 2026, 16:20 UTC" (curator stores UTC)."""
    local = moment.astimezone(zone)
    return f"{date_label(local)}, {local:%H:%M} {local.tzname() or 'UTC'}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun: "1 guide", "9 resources" (`many` when adding "s" is wrong:
    "2 readers' reports"). Never "guide(s)"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def checks(count: int) -> str:
    """ "1 failed check", "2 failed checks"."""
    return plural(count, "failed check")


def reports(count: int) -> str:
    """ "1 reader's report", "2 readers' reports"."""
    return "1 reader's report" if count == 1 else f"{count} readers' reports"


REPORTS_CLOSED_BY: dict[ActionKind, str] = {
    ActionKind.ACCEPT_SUGGESTION: "the suggested address was accepted",
    ActionKind.EDIT: "the resource was edited",
    ActionKind.SNOOZE: "snoozed as a false positive",
    ActionKind.RETIRE: "the resource was retired",
}
"""Why an action that deals with a resource closed its open readers' reports (closing them
with a reason of one's own says that reason instead)."""


def report_closed(at: datetime, by: str | None, why: str | None, *, now: datetime) -> str:
    """How a closed reader's report reads everywhere: "closed 3 Dec by NAME: why" (a report
    closed before who and why were kept says only when)."""
    words = f"closed {day(at, now=now)}"
    if by:
        words += f" by {by}"
    return f"{words}: {why}" if why else words
