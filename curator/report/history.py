"""Pure readings of a URL's check history: what the editors knew then, what is new now.

No I/O and no clock: the report builder hands in the history and the instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from curator.check.facts import Outcome
from curator.check.parking_rules import harms_readers
from curator.check.state import ConfirmPolicy, LinkStatus, advance, is_failure
from curator.domain import Group, Verdict, group_of
from curator.store.checks import CheckPoint


def replay(points: Sequence[CheckPoint], policy: ConfirmPolicy) -> LinkStatus:
    """The link state the checker held after these checks: its own `advance`, replayed.

    This is how the report knows what was confirmed when the period began (what the editors
    were told then) without storing a copy of every past state.
    """
    status = LinkStatus()
    for point in points:
        status = advance(status, outcome_of(point), point.checked_at, policy)
    return status


def outcome_of(point: CheckPoint) -> Outcome:
    """A past check's verdict with the rule and evidence that decided it (what tells a site
    harmful to readers, `harms_readers`, from a parked page), as confirmation read it."""
    if not point.evidence:
        return Outcome(point.verdict, "")
    evidence = dict(point.evidence)
    rule = evidence.pop("rule", "")
    return Outcome(point.verdict, "", rule=str(rule or ""), evidence=evidence)


def last_harm(points: Sequence[CheckPoint]) -> CheckPoint | None:
    """The newest check that found a site harmful to readers where the resource was: what
    an unsafe link's evidence is, whatever the checks after it found (a timeout says nothing
    of the casino)."""
    return next((p for p in reversed(points) if harms_readers(outcome_of(p))), None)


def until(points: Sequence[CheckPoint], at: datetime | None) -> Sequence[CheckPoint]:
    """The checks made before `at` (all of them when `at` is None); `points` oldest first."""
    if at is None:
        return points
    return [p for p in points if p.checked_at < at]


# Verdicts that extend a failure streak (the checker's `is_failure`).
FAILING: frozenset[Verdict] = frozenset(v for v in Verdict if is_failure(v))


# Verdicts under which a page's text is the resource's own.
WORKING: frozenset[Verdict] = frozenset({Verdict.OK, Verdict.MOVED})


def is_broken(verdict: Verdict | None) -> bool:
    """True for a verdict of the broken group."""
    return verdict is not None and group_of(verdict) is Group.BROKEN


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def baseline_point(points: Sequence[CheckPoint], reviewed: date | None) -> CheckPoint | None:
    """The check whose fingerprint stands for the page as the editors last reviewed it.

    Only checks that found the page working (`ok`, `moved`) count. With a review date: the
    first such check made on or after that day (what the editors approved), else the last one
    before it. Without: the first one ever.
    """
    # Only pages that worked: an error page's text is no version of the resource.
    printed = [p for p in points if p.fingerprint and p.verdict in WORKING]
    if not printed:
        return None
    if reviewed is None:
        return printed[0]
    start = start_of(reviewed)
    after = [p for p in printed if p.checked_at >= start]
    return after[0] if after else printed[-1]


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end` (never negative)."""
    return max(0, (end - start).days)
