"""Pure readings of a URL's check history: what the editors knew then, what is new now.

No I/O and no clock: the report builder hands in the history and the instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from curator.catalog.schema import parse_interval
from curator.settings import Settings
from curator.store.reports import CheckPoint
from curator.verdicts import Group, Verdict, group_of

# Verdicts that extend a failure streak; ok and moved end one, unverifiable says nothing.
FAILING: frozenset[Verdict] = frozenset(
    v for v in Verdict if group_of(v) is Group.BROKEN or v is Verdict.TRANSIENT
)


@dataclass(frozen=True, slots=True)
class ConfirmPolicy:
    """When a run of failures counts as broken: this many failed checks over this long."""

    failures: int
    span: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ConfirmPolicy:
        """The policy of CURATOR_CONFIRM_FAILURES and CURATOR_CONFIRM_DAYS."""
        return cls(settings.confirm_failures, timedelta(days=settings.confirm_days))


def until(points: Sequence[CheckPoint], at: datetime | None) -> Sequence[CheckPoint]:
    """The checks made before `at` (all of them when `at` is None); `points` oldest first."""
    if at is None:
        return points
    return [p for p in points if p.checked_at < at]


def failure_streak(points: Sequence[CheckPoint]) -> list[CheckPoint]:
    """The failed checks since the last working one; unverifiable ones neither count nor end it."""
    streak: list[CheckPoint] = []
    for point in points:
        if point.verdict in FAILING:
            streak.append(point)
        elif point.verdict is not Verdict.UNVERIFIABLE:
            streak = []
    return streak


def confirmed_broken(points: Sequence[CheckPoint], policy: ConfirmPolicy) -> bool:
    """Whether, after these checks, the link counted as broken.

    A definitive verdict (404, parked, soft 404, ...) counts at once; transient failures count
    once they persist: `policy.failures` failed checks spread over at least `policy.span`.
    """
    streak = failure_streak(points)
    if not streak:
        return False
    if any(group_of(p.verdict) is Group.BROKEN for p in streak):
        return True
    return len(streak) >= policy.failures and streak[-1].checked_at - streak[0].checked_at >= (
        policy.span
    )


def last_verdict(points: Sequence[CheckPoint]) -> Verdict | None:
    """The verdict of the newest check, if any."""
    return points[-1].verdict if points else None


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def baseline_point(points: Sequence[CheckPoint], reviewed: date | None) -> CheckPoint | None:
    """The check whose fingerprint stands for the page as the editors last reviewed it.

    With a review date: the first fingerprinted check made on or after that day (what the
    editors approved), else the last one before it. Without: the first fingerprint ever seen.
    """
    printed = [p for p in points if p.fingerprint]
    if not printed:
        return None
    if reviewed is None:
        return printed[0]
    start = start_of(reviewed)
    after = [p for p in printed if p.checked_at >= start]
    return after[0] if after else printed[-1]


def next_review(review_every: str | None, last_reviewed: date | None) -> date | None:
    """When a guide's next review falls due, if it has an interval and a last review."""
    if review_every is None or last_reviewed is None:
        return None
    return parse_interval(review_every).after(last_reviewed)


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end` (never negative)."""
    return max(0, (end - start).days)
