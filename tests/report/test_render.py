"""Rendering the seeded report: text, HTML (email-safe), Markdown, JSON, review reminders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import RunStatus, Verdict
from curator.report.build import build_report
from curator.report.model import HopView, LatestCheck, ReaderReports, RefreshReport
from curator.report.render import (
    Format,
    environment,
    markdown_escape,
    render,
    render_review_html,
    render_review_text,
)
from curator.settings import Settings
from curator.store.models import Check, Guide, ReaderReport, Resource, Run
from tests.factories import replay_checks
from tests.report.fakes import FakeArchive
from tests.report.seed import BASE_URL, NOW, RESOURCES, Seeded


class Page(HTMLParser):
    """Collects what an email client would care about in an HTML part."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.unstyled_text_tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if tag == "a":
            self.links.append(values.get("href") or "")
        if tag in ("p", "h1", "h2", "h3", "td", "a") and "style" not in values:
            self.unstyled_text_tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    """The HTML, parsed."""
    page = Page()
    page.feed(html)
    return page


@pytest.fixture
async def report(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> RefreshReport:
    """The seeded report as of NOW."""
    value = await build_report(session, report_settings, now=NOW, archive=archive)
    await session.commit()
    return value


def rid(seeded: Seeded, key: str) -> int:
    """A seeded resource's id."""
    return seeded.resources[key]


async def test_text_stands_on_its_own(report: RefreshReport, seeded: Seeded) -> None:
    text = render(report, Format.TEXT)
    lines = text.splitlines()
    assert lines[1] == report.summary
    summary_at = lines.index(report.guides[1].summary)
    assert lines[summary_at - 1] == "Sextortion – Guide and Resources [sextortion]"
    for heading in (
        "REVIEW DUE",
        "NEWLY BROKEN (4)",
        "STILL BROKEN (2)",
        "FIXED (1)",
        "MOVED: UPDATE THE ADDRESS (1)",
        "READERS' REPORTS (2)",
    ):
        assert heading in lines
    assert any(line.startswith("UNVERIFIABLE (1)") for line in lines)
    assert any(line.startswith("FAILING, NOT CONFIRMED YET (2)") for line in lines)
    assert any(
        line.startswith("PAGES THAT CHANGED A LOT SINCE THE LAST REVIEW (1)") for line in lines
    )
    for key, (_, title, url, _) in RESOURCES.items():
        if key not in ("helpline", "unchecked", "snoozed"):
            assert title in text and url in text, key
    moved = rid(seeded, "moved")
    assert f"Accept the new address: {BASE_URL}/editor/problems#resource-{moved}" in text
    assert f"POST {BASE_URL}/v1/editor/resources/{moved}/accept-suggestion" in text
    assert "the address it now redirects to: https://police-new.example/advice" in text
    assert "https://web.archive.org/web/20260115120000/https://gone.example/" in text
    assert "was due on 1 May 2026 (40 days overdue)" in text
    assert "Its text is 52% alike the version of 6 Apr 2026" in text
    assert '"The page says <b>not found</b> now."' in text  # plain text: nothing to escape
    assert "reader@example.org" not in text  # readers' addresses stay on the dashboard
    assert "\n\n\n" not in text


async def test_html_is_email_safe_and_says_the_same(report: RefreshReport, seeded: Seeded) -> None:
    html = render(report, Format.HTML)
    page = parse(html)
    assert "script" not in page.tags and "style" not in page.tags and "link" not in page.tags
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert "table" in page.tags
    assert page.unstyled_text_tags == []  # every text element carries inline styles
    assert all(link.startswith(("https://", "http://")) for link in page.links), page.links
    moved = rid(seeded, "moved")
    assert f"{BASE_URL}/editor/problems#resource-{moved}" in page.links
    assert "https://police-new.example/advice" in page.links
    assert f"{BASE_URL}/editor/problems#resource-{rid(seeded, 'gone')}" in page.links
    assert f"{BASE_URL}/editor/resources/{rid(seeded, 'cps')}" in page.links
    assert any(link.startswith("https://web.archive.org/web/") for link in page.links)
    text = " ".join(" ".join(page.text).split())
    assert report.summary in text and report.guides[1].summary in text
    assert f"Or POST {BASE_URL}/v1/editor/resources/{moved}/accept-suggestion" in text
    for heading in ("Newly broken", "Still broken", "Fixed", "Moved: update the address"):
        assert heading in text
    assert "Unverifiable" in text and "Readers' reports" in text
    # A reader's note is text, never markup.
    assert "&lt;b&gt;not found&lt;/b&gt;" in html and "<b>not found</b>" not in html


async def test_markdown(report: RefreshReport, seeded: Seeded) -> None:
    markdown = render(report, Format.MARKDOWN)
    assert markdown.startswith("# curator refresh report, 10 Jun 2026, 09:00 UTC\n")
    assert "### Newly broken (4)" in markdown and "### Still broken (2)" in markdown
    moved = rid(seeded, "moved")
    assert f"[Accept the new address]({BASE_URL}/editor/problems#resource-{moved})" in markdown
    assert "<https://police-new.example/advice>" in markdown
    assert "\\<b\\>not found\\</b\\>" in markdown


async def test_json_carries_the_whole_value(report: RefreshReport, seeded: Seeded) -> None:
    data = json.loads(render(report, Format.JSON))
    assert data["summary"] == report.summary
    guide = next(g for g in data["guides"] if g["slug"] == "sextortion")
    assert [i["resource"]["key"] for i in guide["newly_broken"]] == [
        "timeout",
        "gone",
        "phone",
        "soft",
    ]
    assert guide["newly_broken"][0]["verdict"] == "broken"
    assert guide["newly_broken"][0]["group"] == "broken"
    assert guide["newly_broken"][1]["since"] == "2026-06-01T03:05:00+00:00"
    assert guide["newly_broken"][1]["fix"]["kind"] == "archive"
    assert guide["moved"][0]["accept"]["api_url"].endswith(
        f"/v1/editor/resources/{rid(seeded, 'moved')}/accept-suggestion"
    )
    assert guide["review"] == {
        "review_every": "6 months",
        "last_reviewed": "2025-11-01",
        "due": "2026-05-01",
        "overdue_days": 40,
        "overdue": True,
    }
    assert guide["has_news"] is True and guide["needs_sending"] is True
    assert guide["counts"]["broken"] == 6


async def test_review_reminder_is_a_checklist(report: RefreshReport, seeded: Seeded) -> None:
    guide = report.guides[1]
    text = render_review_text(report, guide)
    assert text.startswith('Time to review "Sextortion – Guide and Resources"\n')
    assert "the review was due on 1 May 2026 (40 days overdue)" in text
    assert f"CHECKLIST ({len(RESOURCES)} resources)" in text
    for _, title, url, _ in RESOURCES.values():
        assert f"[ ] {title}" in text and url in text
    assert "CPS guidance on sharing intimate images (The Legislation): working, changed a lot" in (
        text
    )
    assert (
        "Internet Watch Foundation (Other useful links): broken (failing, not confirmed yet)"
        in text
    )
    assert "CEOP (Other useful links): broken (snoozed as a false positive)" in text
    html = render_review_html(report, guide)
    page = parse(html)
    assert "script" not in page.tags and page.unstyled_text_tags == []
    assert f"{BASE_URL}/editor/problems" in page.links
    assert all(url in page.links for _, _, url, _ in RESOURCES.values())


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain words", "plain words"),
        ("a_b*c", "a\\_b\\*c"),
        ("[x](y)", "\\[x\\](y)"),
        ("<b>", "\\<b\\>"),
    ],
    ids=["plain", "emphasis", "link", "html"],
)
def test_markdown_escape(raw: str, escaped: str) -> None:
    assert markdown_escape(raw) == escaped


async def test_repeated_readers_reports_of_one_resource_are_one_entry(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    helpline = seeded.resources["helpline"]
    session.add_all(
        [
            ReaderReport(
                resource_id=helpline,
                note="Still engaged this morning.",
                created_at=datetime(2026, 6, 9, 8, 0, tzinfo=UTC),
            ),
            ReaderReport(
                resource_id=helpline,
                note="",
                contact="someone@example.org",
                created_at=datetime(2026, 6, 9, 20, 0, tzinfo=UTC),
            ),
        ]
    )
    await session.commit()
    report = await build_report(session, report_settings, now=NOW, archive=archive)
    await session.commit()
    guide = next(g for g in report.guides if g.slug == "sextortion")
    groups = [g for g in guide.items("reader_reports") if isinstance(g, ReaderReports)]
    entries = [g for g in groups if g.resource.key == "helpline"]
    assert len(entries) == 1
    assert [r.note for r in entries[0].reports] == [
        "",
        "Still engaged this morning.",
        "The number was engaged all afternoon.",
    ]
    assert guide.counts.reader_reports == 4  # every open report still counts
    text = render(report, Format.TEXT)
    block = text[text.index("Revenge Porn Helpline: 3 reports") :]
    block = block[: block.index("On the dashboard:")]
    assert '- 9 Jun 2026 (new): "Still engaged this morning."' in block
    assert '- 20 May 2026: "The number was engaged all afternoon." (left a contact' in block
    assert "no note (left a contact address)" in block
    assert "2 of them left a contact address (on the dashboard)." in block
    assert "someone@example.org" not in text and "reader@example.org" not in text
    markdown = render(report, Format.MARKDOWN)
    assert "3 reports" in markdown and "2 of them left a contact address" in markdown
    html = render(report, Format.HTML)
    assert "3 reports" in html and "Still engaged this morning." in html
    data = json.loads(render(report, Format.JSON))
    data_guide = next(g for g in data["guides"] if g["slug"] == "sextortion")
    found = [e for e in data_guide["reader_reports"] if e["resource"]["key"] == "helpline"]
    assert len(found) == 1 and len(found[0]["reports"]) == 3


def _evidence(status_code: int | None, *hops: tuple[str, int | None]) -> LatestCheck:
    return LatestCheck(
        checked_at=NOW,
        status_code=status_code,
        final_url=None,
        error_kind="redirect_loop" if status_code is None else None,
        hops=tuple(HopView(url, status) for url, status in hops),
        elapsed_ms=40,
    )


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        (_evidence(404, ("https://a.example/", 404)), "HTTP 404"),
        (_evidence(200), "HTTP 200"),
        (
            _evidence(None, ("https://a.example/", 301), ("https://a.example/b", 301)),
            "HTTP 301",
        ),
        (_evidence(None, ("https://a.example/", None)), "no response"),
        (_evidence(None), "no response"),
    ],
    ids=["final", "no-hops-stored", "redirect-loop", "connect-failed", "nothing"],
)
def test_only_a_check_nothing_answered_is_no_response(evidence: LatestCheck, words: str) -> None:
    assert evidence.answer is not None or words == "no response"
    text = environment().from_string("{{ e.answer|status }}").render(e=evidence)
    assert text == words


async def test_a_redirect_loop_is_evidence_of_the_answers_it_got(
    session: AsyncSession, seeded: Seeded, report_settings: Settings, archive: FakeArchive
) -> None:
    guide = await session.get(Guide, seeded.other_guide_id)
    assert guide is not None
    url, back = "https://loop.example/", "https://loop.example/again"
    session.add(
        Resource(guide_id=guide.id, key="loop", title="A loop", url=url, position=2, expect_text=[])
    )
    run = Run(
        trigger="confirm",
        status=RunStatus.COMPLETED,
        started_at=NOW - timedelta(hours=1),
        finished_at=NOW - timedelta(minutes=50),
    )
    check = Check(
        run=run,
        url=url,
        checked_at=NOW - timedelta(minutes=55),
        verdict=Verdict.BROKEN,
        detail="Redirect loop back to https://loop.example/.",
        status_code=None,  # as the fetcher stores it: no final response, the redirects in hops
        error_kind="redirect_loop",
        hops=[
            {"url": url, "status": 301, "location": back},
            {"url": back, "status": 302, "location": url},
        ],
        evidence={"rule": "redirect_loop"},
    )
    session.add_all([run, check])
    await session.flush()
    session.add(replay_checks([check]))
    await session.commit()
    report = await build_report(session, report_settings, now=NOW, guide="scams", archive=archive)
    await session.commit()
    for fmt in (Format.TEXT, Format.MARKDOWN, Format.HTML):
        shown = render(report, fmt)
        assert "no response" not in shown, fmt
        assert "Evidence: HTTP 302" in shown, fmt


@pytest.mark.parametrize("format_", [Format.TEXT, Format.MARKDOWN, Format.HTML], ids=str)
async def test_a_failing_link_says_since_when_once(report: RefreshReport, format_: Format) -> None:
    # Tried as an editor reads it: "Still published: failing, not confirmed yet (2 failed
    # checks since 4 May)" and then "Failing since 4 May 2026 (…)", the same fact twice.
    rendered = unescape(render(report, format_))
    failing = rendered[rendered.index("Still published: failing") :]
    failing = failing[: failing.lower().index("readers' reports")]
    assert failing.count("Still published: failing, not confirmed yet (") == 2
    assert "failing since" not in failing.lower()
    # A confirmed broken link says two facts: hidden since its confirmation, failing since
    # its first failure.
    assert "failing since" in rendered.lower() and "Hidden from readers since" in rendered
