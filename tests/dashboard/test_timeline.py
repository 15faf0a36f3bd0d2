"""The health strip: pure geometry and words from a list of checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from api.dashboard.timeline import BAR_WIDTH, COLOURS, GAP, HEIGHT, build_timeline, summarise
from curator.domain import Group, Verdict

START = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Point:
    checked_at: datetime
    verdict: Verdict
    status_code: int | None = None


def points(*verdicts: Verdict) -> list[Point]:
    return [Point(START + timedelta(days=i), v, 200) for i, v in enumerate(verdicts)]


def test_newest_check_sits_at_the_right_edge_and_order_is_by_time() -> None:
    checks = points(Verdict.OK, Verdict.TRANSIENT, Verdict.BROKEN)
    timeline = build_timeline(list(reversed(checks)), slots=10)
    assert [b.label.split(": ")[1] for b in timeline.bars] == [
        "working, status 200",
        "temporary failure (no answer, 5xx), status 200",
        "broken, status 200",
    ]
    assert timeline.bars[-1].x + BAR_WIDTH == timeline.width
    assert timeline.width == 10 * (BAR_WIDTH + GAP) - GAP


@pytest.mark.parametrize(
    ("verdict", "group", "share"),
    [
        (Verdict.OK, Group.WORKING, 1.0),
        (Verdict.MOVED, Group.UPDATE, 0.75),
        (Verdict.UNVERIFIABLE, Group.UNKNOWN, 0.5),
        (Verdict.PARKED, Group.BROKEN, 0.25),
    ],
    ids=["working", "update", "unknown", "broken"],
)
def test_colour_and_height_both_say_the_group(verdict: Verdict, group: Group, share: float) -> None:
    (bar,) = build_timeline(points(verdict)).bars
    assert bar.colour == COLOURS[group]
    assert bar.height == HEIGHT * share
    assert bar.y + bar.height == HEIGHT  # bars stand on one baseline


def test_only_the_newest_checks_fit() -> None:
    timeline = build_timeline(points(*[Verdict.OK] * 5, Verdict.BROKEN), slots=3)
    assert len(timeline.bars) == 3
    assert timeline.bars[0].x == 0
    assert "broken" in timeline.bars[-1].label


def test_summary_in_words() -> None:
    assert summarise([]) == "Not checked yet."
    assert summarise(points(Verdict.OK, Verdict.OK, Verdict.SOFT_404)) == (
        "3 checks from 1 Nov 2026 to 3 Nov 2026: 2 working, 1 broken. "
        "Latest: soft 404 (an error page) (broken)."
    )
    assert summarise(points(Verdict.BROKEN)) == "1 check on 1 Nov 2026: 1 broken. Latest: broken."
