"""Suggestions in a run: a moved page found on its own site after the check is stored, with and
without a history of working checks; a permanent redirect's target; a site that gives nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check.checker import Checker
from curator.check.facts import Expectation, Facts, Hop, Outcome, Snapshot
from curator.domain import RunTrigger, Verdict
from curator.replacements.matching import ReferenceOrigin
from curator.runs.execute import CheckResult, execute_run
from curator.runs.selection import Selection
from curator.runs.suggest import redirect_suggestion, reference_for, wants_search
from curator.runs.targets import Target
from curator.settings import Settings
from curator.store import link_states
from curator.store.engine import session_factory
from curator.store.models import Check
from curator.suggestions import Confidence, Suggestion, SuggestionSource
from curator.sync import sync_catalog
from tests.sites import Response, Site, Sites, page

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
TEXT = [
    "If someone is threatening to share intimate images of you unless you pay, you are not alone.",
    "Do not pay and stop all contact with the person who is blackmailing you.",
    "Keep the evidence: take screenshots of the messages and the profile before you block it.",
    "Report it to the police and to the platform where it happened, as soon as you can.",
]
OLD, NEW = "/advice/sextortion", "/help/sextortion-advice"
TITLE = "Sextortion advice | Open Door"


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def run_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"retries": 0, "video_oembed": False})


def clock_from(start: datetime) -> Callable[[], datetime]:
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=next(ticks))


async def load(sessions: async_sessionmaker[AsyncSession], resources: list[dict[str, Any]]) -> None:
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))


async def charity(sites: Sites) -> Site:
    site = await sites.add(
        "opendoor.test",
        {
            "/": page("Open Door | Home", "Welcome to Open Door."),
            OLD: page(TITLE, *TEXT, headings=["Sextortion advice"]),
            "/news/sextortion-advice-launched": page(
                "We launch sextortion advice | Open Door", "Today we launched advice.", TEXT[0],
                headings=["We launch sextortion advice"],
            ),
        },
    )  # fmt: skip
    site.route(
        "/sitemap.xml",
        Response(
            body="<urlset>"
            + "".join(
                f"<url><loc>{site.url(p)}</loc></url>"
                for p in ("/", NEW, "/news/sextortion-advice-launched")
            )
            + "</urlset>",
            content_type="application/xml",
        ),
    )
    return site


async def run(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, sites: Sites, at: datetime
) -> list[CheckResult]:
    """A run whose checker searches sites as the settings bound it (as the CLI's does)."""
    fetcher = sites.fetcher(settings)
    checker = Checker(
        fetcher,
        concurrency=settings.concurrency,
        close=fetcher.aclose,
        search=settings.search_limits(),
    )
    async with checker:
        report = await execute_run(
            sessions,
            checker,
            Selection.everything(),
            trigger=RunTrigger.CLI,
            confirm=settings.confirm_policy(),
            clock=clock_from(at),
        )
    return list(report.results)


async def test_a_page_moved_after_working_is_found_and_stored(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await charity(sites)
    await load(sessions, [{"title": "Sextortion advice", "url": site.url(OLD)}])
    await run(sessions, run_settings, sites, T0)
    site.route(NEW, site.routes.pop(OLD))
    [result] = await run(sessions, run_settings, sites, T0 + timedelta(days=1))
    assert result.verdict is Verdict.BROKEN
    suggestion = result.suggestion
    assert suggestion is not None
    assert (suggestion.url, suggestion.source) == (site.url(NEW), SuggestionSource.SITEMAP)
    assert suggestion.confidence is Confidence.CONFIDENT
    assert suggestion.summary == "same title, 100 % of the text"
    assert result.outcome.suggested_url == site.url(NEW)
    async with sessions() as session:
        row = await session.get(Check, result.check_id)
        state = (await link_states.link_states(session, urls=[site.url(OLD)]))[site.url(OLD)]
    assert row is not None and row.suggested_url == site.url(NEW)
    assert Suggestion.from_json(row.suggestion) == suggestion
    assert state.suggested_url == site.url(NEW)


async def test_a_page_that_never_worked_is_matched_against_the_catalog(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await charity(sites)
    site.route(NEW, site.routes.pop(OLD))
    await load(sessions, [{
        "title": "Sextortion advice", "url": site.url(OLD),
        "description": "What to do when someone threatens to share intimate images unless you pay.",
    }])  # fmt: skip
    [result] = await run(sessions, run_settings, sites, T0)
    assert result.suggestion is not None and result.suggestion.url == site.url(NEW)
    assert result.suggestion.confident
    assert "catalog" in result.suggestion.evidence["compared_with"]


async def test_no_search_when_it_is_turned_off_or_the_site_is_gone(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await charity(sites)
    site.route(NEW, site.routes.pop(OLD))
    await load(sessions, [{"title": "Sextortion advice", "url": site.url(OLD)}])
    off = run_settings.model_copy(update={"replacement_search": False})
    [result] = await run(sessions, off, sites, T0)
    assert result.verdict is Verdict.BROKEN and result.suggestion is None
    assert site.hits("/sitemap.xml") == 0


async def test_a_search_that_hangs_ends_within_its_deadline_and_the_check_is_kept(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    from tests.sites import Hang

    site = await sites.add("slow.test", {"/sitemap.xml": Hang(), "/robots.txt": Hang()})
    await load(sessions, [{"title": "Sextortion advice", "url": site.url(OLD)}])
    quick = run_settings.model_copy(update={"replacement_deadline": 1.0})
    [result] = await run(sessions, quick, sites, T0)
    assert result.verdict is Verdict.BROKEN and result.suggestion is None
    async with sessions() as session:
        stored = (await session.execute(select(Check))).scalars().all()
    assert [c.id for c in stored] == [result.check_id]


def test_a_permanent_redirect_is_a_confident_suggestion() -> None:
    hops = (
        Hop("https://a.test/old", 301, None, "https://a.test/new"),
        Hop("https://a.test/new", 200),
    )
    facts = Facts(url="https://a.test/old", hops=hops, status=200)
    moved = Outcome(Verdict.MOVED, "moved", suggested_url="https://a.test/new")
    suggestion = redirect_suggestion(facts, moved)
    assert suggestion == Suggestion(
        "https://a.test/new",
        SuggestionSource.REDIRECT,
        Confidence.CONFIDENT,
        {"summary": "the old address now redirects here permanently (301)"},
    )
    assert redirect_suggestion(facts, Outcome(Verdict.OK, "ok")) is None


@pytest.mark.parametrize(
    ("url", "facts", "verdict", "wanted"),
    [
        ("https://a.test/x", Facts("https://a.test/x", status=404), Verdict.BROKEN, True),
        ("https://a.test/x", Facts("https://a.test/x", status=200), Verdict.SOFT_404, True),
        ("https://a.test/", Facts("https://a.test/", status=404), Verdict.BROKEN, False),
        ("https://a.test/x", Facts("https://a.test/x", status=200), Verdict.PARKED, False),
        ("https://a.test/x", Facts("https://a.test/x", status=200), Verdict.CHANGED, False),
        ("https://a.test/x", Facts("https://a.test/x", status=None), Verdict.BROKEN, False),
    ],
    ids=["gone", "soft-404", "home-page", "parked", "changed", "no-answer"],
)
def test_wants_search(url: str, facts: Facts, verdict: Verdict, wanted: bool) -> None:
    assert wants_search(url, facts, Outcome(verdict, "x")) is wanted


def test_reference_is_the_snapshot_else_the_catalog() -> None:
    target = Target(1, "g", "k", "Scams", "https://a.test/x", Expectation(title="Scams"))
    expectation = Expectation(title="Scams", description="Advice on scams", phone="0800 1")
    from_catalog = reference_for([target], expectation, None)
    assert from_catalog.origin is ReferenceOrigin.CATALOG
    assert (from_catalog.title, from_catalog.text, from_catalog.expected) == (
        "Scams", "Advice on scams", True,
    )  # fmt: skip
    snapshot = Snapshot(title="Scams | Site", heading="Scams", text="Words.")
    from_page = reference_for([target], expectation, snapshot)
    assert from_page.origin is ReferenceOrigin.LAST_GOOD_PAGE
    assert (from_page.title, from_page.heading) == ("Scams | Site", "Scams")
