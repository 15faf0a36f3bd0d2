"""A resource's health timeline: past checks as a strip of bars, drawn as inline SVG.

Colour says the group, and so does height (a healthier check stands taller), so the strip
reads without colour too; every bar carries a text label, and the page repeats the checks
as a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from curator.domain import Group, Verdict, group_of
from curator.labels import GROUPS, date_label, moment_label, verdict_label

SLOTS = 40
"""The most checks the strip shows (the newest ones)."""
BAR_WIDTH = 14
GAP = 4
HEIGHT = 48
TRACK = "#e3e8ee"
"""The strip's background, where there is no check (yet)."""

COLOURS: dict[Group, str] = {
    group: GROUPS[group].colour
    for group in (Group.WORKING, Group.UPDATE, Group.UNKNOWN, Group.BROKEN)
}
"""Healthiest first; the colours of curator.labels (the email's too)."""
# Height as a share of the strip: a working check is a full bar, a broken one a stub.
HEIGHTS: dict[Group, float] = {
    Group.WORKING: 1.0,
    Group.UPDATE: 0.75,
    Group.UNKNOWN: 0.5,
    Group.BROKEN: 0.25,
}
GROUP_LABELS: dict[Group, str] = {group: words.label for group, words in GROUPS.items()}


class CheckPoint(Protocol):
    """What the timeline needs of one check."""

    @property
    def checked_at(self) -> datetime: ...

    @property
    def verdict(self) -> Verdict: ...

    @property
    def status_code(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Bar:
    """One check drawn as a bar."""

    x: int
    y: float
    width: int
    height: float
    colour: str
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """The strip's geometry and its text alternative."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    summary: str
    track: str = TRACK


def build_timeline(checks: Sequence[CheckPoint], *, slots: int = SLOTS) -> Timeline:
    """Bars for the newest `slots` checks, newest at the right edge, and a summary sentence."""
    shown = sorted(checks, key=lambda c: c.checked_at)[-slots:]
    bars = []
    first_slot = slots - len(shown)
    for index, check in enumerate(shown, start=first_slot):
        group = group_of(check.verdict)
        height = HEIGHT * HEIGHTS[group]
        status = f", status {check.status_code}" if check.status_code is not None else ""
        bars.append(
            Bar(
                x=index * (BAR_WIDTH + GAP),
                y=HEIGHT - height,
                width=BAR_WIDTH,
                height=height,
                colour=COLOURS[group],
                label=f"{format_moment(check.checked_at)}: {verdict_label(check.verdict)}{status}",
            )
        )
    return Timeline(
        width=slots * (BAR_WIDTH + GAP) - GAP,
        height=HEIGHT,
        bars=tuple(bars),
        summary=summarise(shown),
    )


def summarise(checks: Sequence[CheckPoint]) -> str:
    """'3 checks from 1 Nov 2026 to 24 Nov 2026: 2 working, 1 broken. Latest: broken.'"""
    if not checks:
        return "Not checked yet."
    counts = Counter(group_of(c.verdict) for c in checks)
    parts = [f"{counts[g]} {GROUP_LABELS[g]}" for g in COLOURS if counts[g]]
    first, last = checks[0], checks[-1]
    noun = "check" if len(checks) == 1 else "checks"
    span = (
        f"on {format_day(first.checked_at)}"
        if format_day(first.checked_at) == format_day(last.checked_at)
        else f"from {format_day(first.checked_at)} to {format_day(last.checked_at)}"
    )
    latest = verdict_label(last.verdict)
    group = GROUP_LABELS[group_of(last.verdict)]
    latest = latest if latest == group else f"{latest} ({group})"
    return f"{len(checks)} {noun} {span}: {', '.join(parts)}. Latest: {latest}."


def format_day(moment: date) -> str:
    """'24 Nov 2026' (curator.labels.date_label: the API's messages say dates alike)."""
    return date_label(moment)


def format_moment(moment: datetime) -> str:
    """'24 Nov 2026, 16:20 UTC' (curator.labels.moment_label)."""
    return moment_label(moment)
