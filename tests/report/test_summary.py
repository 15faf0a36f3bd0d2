"""A guide's first line when there is nothing to do: a first report and an offline one read
right (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from curator.report.model import Counts, GuideReport, Period, PeriodKind, sections_of
from curator.report.summary import guide_summary, overall_summary

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


def _guide(counts: Counts) -> GuideReport:
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    return GuideReport(
        slug="g",
        title="G",
        editors=(),
        period=Period(PeriodKind.BEGINNING, None, now, "since checks began"),
        summary="",
        counts=counts,
        sections=sections_of({}),
        review=None,
        next_review=None,
        latest_run=None,
        problems_url="",
    )


def test_the_reports_first_line_says_unsafe_links_first_as_each_guides_does() -> None:
    guides = [_guide(Counts(links=3, unsafe=1, broken=1)), _guide(Counts(links=2, moved=1))]
    assert overall_summary(guides) == "1 unsafe: now a harmful site, 1 broken, 1 moved"
    assert guide_summary(guides[0].counts, None).startswith("1 unsafe: now a harmful site, ")
    assert overall_summary([_guide(Counts(links=2, working=2))]) == "0 broken, 0 moved"
