"""A guide's first line when there is nothing to do: a first report and an offline one read
right (pure)."""

from __future__ import annotations

import pytest

from curator.report.model import Counts
from curator.report.summary import guide_summary

CASES = {
    "later-report-all-work": (
        Counts(links=4, working=4),
        {},
        "all 4 checked links work; nothing to do",
    ),
    "first-report-all-work": (
        Counts(links=4, working=4),
        {"first": True},
        "no confirmed changes yet: all 4 checked links work",
    ),
    "first-report-one-link": (
        Counts(links=1, working=1),
        {"first": True},
        "no confirmed changes yet: the one checked link works",
    ),
    "never-checked": (Counts(links=4, unchecked=4), {"first": True}, "4 links not checked yet"),
    "offline-four-times": (
        Counts(links=4, unchecked=4),
        {"first": True, "inconclusive_runs": 4},
        "no conclusive check yet: 4 runs were inconclusive (network down)",
    ),
    "offline-once": (
        Counts(links=4, unchecked=4),
        {"inconclusive_runs": 1},
        "no conclusive check yet: 1 run was inconclusive (network down)",
    ),
    "failing-is-said-in-the-one-vocabulary": (
        Counts(links=4, working=2, failing=2),
        {"first": True},
        "2 failing, not confirmed yet",
    ),
}


@pytest.mark.parametrize(("counts", "options", "line"), CASES.values(), ids=CASES.keys())
def test_a_guides_first_line(counts: Counts, options: dict[str, object], line: str) -> None:
    assert guide_summary(counts, None, **options) == line  # type: ignore[arg-type]
