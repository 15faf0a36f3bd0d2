"""The report's sections are data: every section has its words, a block in each format, and a
key of its own in the JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from curator.registration.warnings import WarningKind
from curator.report.model import (
    SECTIONS,
    Counts,
    GuideReport,
    News,
    Period,
    PeriodKind,
    RefreshReport,
    ReportSection,
    ResourceRef,
    Section,
    WatchItem,
    sections_of,
)
from curator.report.render import environment, render_json, render_markdown, render_text

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
REF = ResourceRef(1, "g/helpline", "Helpline", None, "https://help.example/", "d", "p")


def _guide(placed: dict[Section, list[object]]) -> GuideReport:
    return GuideReport(
        slug="g",
        title="Guide",
        editors=(),
        period=Period(PeriodKind.BEGINNING, None, NOW, "since the beginning"),
        summary="summary",
        counts=Counts(),
        sections=sections_of(placed),  # type: ignore[arg-type]
        review=None,
        next_review=None,
        latest_run=None,
        problems_url="https://curator.example/editor/problems",
        watch_summary="Watch: 1 domain expires within 30 days",
    )


def test_every_section_has_its_words_and_a_block_in_every_format() -> None:
    assert list(SECTIONS) == list(Section)
    for fmt in ("txt", "html", "md"):
        template = environment().get_template(f"sections.{fmt}.j2")
        module = template.make_module({"when": str, "day": str})
        missing = [s.value for s in Section if not callable(getattr(module, s.value, None))]
        assert missing == [], f"sections.{fmt}.j2 has no block for {missing}"


def test_a_guide_lists_every_section_in_order_and_shows_only_those_with_items() -> None:
    watch = WatchItem(
        REF, WarningKind.DOMAIN_EXPIRY, "the domain expires on 2026-06-20", None, True
    )
    guide = _guide({Section.WATCH: [watch]})
    assert [s.kind for s in guide.sections] == list(Section)
    assert [s.kind for s in guide.shown] == [Section.WATCH]
    assert guide.items(Section.WATCH) == (watch,) and guide.items("fixed") == ()
    assert guide.has_news  # a new warning is news
    report = RefreshReport(NOW, "UTC", "https://curator.example", "summary", (guide,))
    text = render_text(report)
    assert "WATCH (1)" in text and "the domain expires on 2026-06-20" in text
    assert "Nothing to do" not in text
    assert "### Watch: 1 domain expires within 30 days (1)" in render_markdown(report)


@pytest.mark.parametrize(
    ("news", "new", "expected"),
    [(News.EVERY_ITEM, False, True), (News.NEW_ITEMS, False, False), (News.NEW_ITEMS, True, True)],
)
def test_news_rule(news: News, new: bool, expected: bool) -> None:
    kind = next(k for k, spec in SECTIONS.items() if spec.news is news and k is not Section.FIXED)
    watch = WatchItem(REF, WarningKind.DOMAIN_EXPIRY, "expires", None, new)
    assert ReportSection(kind, (watch,)).has_news is expected


def test_json_keeps_one_key_per_section() -> None:
    report = RefreshReport(NOW, "UTC", "https://curator.example", "summary", (_guide({}),))
    data = json.loads(render_json(report))["guides"][0]
    assert "sections" not in data
    assert all(data[s.value] == [] for s in Section)
    assert data["has_news"] is False
