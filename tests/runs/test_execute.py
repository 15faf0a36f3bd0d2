"""Check runs end to end against real loopback sites: every verdict, stored as it completes,
interrupted and resumed, an outage that changes nothing, one fetch per distinct URL."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check.classifier import classify
from curator.check.facts import Expectation, Facts
from curator.check.quirks import VideoHost
from curator.check.video import OEmbedLookup
from curator.cli.check_cmds import print_report
from curator.cli.check_output import Format
from curator.cli.check_report import StoredRun, print_stored
from curator.domain import Group, RunStatus, Verdict
from curator.errors import RunConflictError
from curator.runs.execute import CheckResult, RunReport, running_run
from curator.runs.records import check_row, snapshots, to_status
from curator.runs.results import stored_results
from curator.runs.targets import Plan
from curator.settings import Settings
from curator.store import checks as store
from curator.store import link_states, runs
from curator.store.base import utcnow
from curator.store.engine import session_factory
from curator.store.models import Check, LinkState, Resource, Run
from curator.store.standings import standings
from curator.sync import sync_catalog
from tests.factories import create_run
from tests.running import check_run
from tests.sites import Response, Site, Sites, page, redirect

HELPLINE_TEXT = (
    "Revenge Porn Helpline: call 0345 6000 459, Monday to Friday. Don't Panic and Don't Pay."
)
CATCH_ALL = page(
    "Welcome",
    "Welcome to our site. We could not match that address; browse our topics: news, events.",
)
T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def run_settings(settings: Settings) -> Settings:
    """The test database's settings, quick to give up, never asking real video hosts."""
    return settings.model_copy(update={"retries": 1, "video_oembed": False})


@dataclass
class World:
    """The test sites and the catalog entries that point at them."""

    sites: Sites
    urls: dict[str, str]
    resources: list[dict[str, Any]]


VIDEOS = VideoHost(
    name="youtube",
    url_patterns=(re.compile(r"^http://videos\.test:\d+/watch/"),),
    oembed="https://www.youtube.com/oembed",
    status_meaning=((200, True, "available"), (404, False, "removed or never existed")),
    params=(("format", "json"),),
)


@pytest.fixture
async def world(sites: Sites) -> World:
    ok = await sites.add(
        "ok.test",
        {
            "/": page("Revenge Porn Helpline", HELPLINE_TEXT),
            "/help": page("Revenge Porn Helpline", HELPLINE_TEXT, "Help for adults."),
            "/shared": page("Revenge Porn Helpline", HELPLINE_TEXT, "Shared by two resources."),
            "/old": redirect("/help", 301),
            "/gone": Response(410, "Gone"),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/old-deep": redirect("/", 302),
            "/soft": page("Page not found", "Sorry, we looked everywhere."),
            "/advice": page("Sextortion advice", "Stay calm and report it. Call 0345 6000 459."),
            "/forward": Response(
                body='<html><head><meta http-equiv="refresh" content="0; url=/vanished">'
                "<title>Redirecting</title></head><body>Redirecting…</body></html>"
            ),
            "/temporary": redirect("/help?lang=en", 302),
        },
    )
    old_org = await sites.add("old-org.test")
    new_org = await sites.add(
        "new-org.test", {"/sextortion": page("Report Fraud", "Report Fraud: sextortion scams.")}
    )
    old_org.route("/sextortion", redirect(new_org.url("/sextortion"), 301))
    secure = await sites.add(
        "secure.test",
        {"/advice": page("Secure advice", "Sextortion: help and advice.")},
        tls="valid",
    )
    plain = await sites.add("secure.test", address=secure.address, resolve=False)
    plain.route("/advice", redirect(secure.url("/advice"), 301))
    catchall = await sites.add(
        "catchall.test",
        {"/real": page("Sextortion support", "Real advice on sextortion for adults in the UK.")},
        fallback=CATCH_ALL,
    )
    parked = await sites.add(
        "parked.test", {"/": page("parked.test", "This domain may be for sale. Enquire now.")}
    )
    casino = await sites.add("casino.test", {"/": page("Casino", "Spin and win big tonight.")})
    hijacked = await sites.add("hijacked.test", {"/advice": redirect(casino.url("/"), 301)})
    helpline = await sites.add(
        "helpline.test", {"/": page("Report Fraud", "Call Report Fraud on 0300 123 2040.")}
    )
    videos = await sites.add("videos.test", fallback=page("Videos", "A video player."))
    expired = await sites.add("expired.test", {"/": page("x", "y")}, tls="expired")
    busy = await sites.add("busy.test", fallback=Response(503, "Busy"))
    walled = await sites.add(
        "walled.test",
        fallback=Response(
            403,
            "<html><head><title>Just a moment...</title></head><body>Checking</body></html>",
            headers=[("cf-mitigated", "challenge")],
        ),
    )
    linked = await sites.add("linked.test", fallback=Response(999, ""))
    urls = {
        "ok": ok.url("/"),
        "shared-a": ok.url("/shared"),
        "shared-b": ok.url("/shared"),
        "temporary": ok.url("/temporary"),
        "moved": ok.url("/old"),
        "moved-domain": old_org.url("/sextortion"),
        "moved-https": plain.url("/advice"),
        "missing": ok.url("/missing"),
        "gone": ok.url("/gone"),
        "nxdomain": "http://nowhere.test/",
        "loop": ok.url("/loop-a"),
        "home-redirect": ok.url("/old-deep"),
        "error-page": ok.url("/soft"),
        "look-alike": catchall.url("/campaigns/2016/deleted"),
        "catch-all-real": catchall.url("/real"),
        "parked": parked.url("/"),
        "hijacked": hijacked.url("/advice"),
        "expect-text": ok.url("/advice"),
        "phone": helpline.url("/"),
        "video-removed": videos.url("/watch/123"),
        "insecure": expired.url("/"),
        "transient": busy.url("/"),
        "challenge": walled.url("/"),
        "linkedin": linked.url("/"),
        "meta-refresh": ok.url("/forward"),
    }
    titles = {
        "moved-domain": "Action Fraud – sextortion scams",
        "hijacked": "Sextortion advice",
        "look-alike": "Sextortion campaign 2016",
        "catch-all-real": "Sextortion support",
        "moved-https": "Sextortion advice",
    }
    resources: list[dict[str, Any]] = []
    for key, url in urls.items():
        entry: dict[str, Any] = {
            "id": key,
            "title": titles.get(key, "Revenge Porn Helpline"),
            "url": url,
        }
        if key == "expect-text":
            entry["expect_text"] = ["Don't Panic and Don't Pay"]
        if key == "phone":
            entry.update(kind="helpline", phone="0345 6000 459")
        if key == "video-removed":
            entry["kind"] = "video"
        resources.append(entry)
    return World(sites, urls, resources)


EXPECTED = {
    "ok": Verdict.OK,
    "shared-a": Verdict.OK,
    "shared-b": Verdict.OK,
    "temporary": Verdict.OK,
    "moved": Verdict.MOVED,
    "moved-domain": Verdict.MOVED,
    "moved-https": Verdict.MOVED,
    "missing": Verdict.BROKEN,
    "gone": Verdict.BROKEN,
    "nxdomain": Verdict.BROKEN,
    "loop": Verdict.BROKEN,
    "home-redirect": Verdict.SOFT_404,
    "error-page": Verdict.SOFT_404,
    "look-alike": Verdict.SOFT_404,
    "catch-all-real": Verdict.OK,
    "parked": Verdict.PARKED,
    "hijacked": Verdict.PARKED,
    "expect-text": Verdict.CHANGED,
    "phone": Verdict.CHANGED,
    "video-removed": Verdict.CHANGED,
    "insecure": Verdict.INSECURE,
    "transient": Verdict.TRANSIENT,
    "challenge": Verdict.UNVERIFIABLE,
    "linkedin": Verdict.UNVERIFIABLE,
    "meta-refresh": Verdict.BROKEN,
}


async def load(sessions: async_sessionmaker[AsyncSession], resources: list[dict[str, Any]]) -> None:
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))


@pytest.fixture
async def oembed() -> AsyncIterator[OEmbedLookup]:
    router = respx.Router(assert_all_called=False)
    router.get("https://www.youtube.com/oembed").mock(return_value=httpx.Response(404))
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield OEmbedLookup(client, hosts=(VIDEOS,))


async def crashed_run(
    sessions: async_sessionmaker[AsyncSession],
    planned: list[str],
    facts: Facts,
    title: str,
) -> int:
    """A run left `running` by a dead process (no heartbeat since T0) that stored one check,
    of `facts`, of the URLs it `planned`; its id."""
    async with sessions() as session, session.begin():
        crashed = await create_run(
            session,
            trigger="schedule",
            planned_urls=planned,
            started_at=T0,
            owner="elsewhere:4242",
        )
        await store.add_check(
            session,
            check=check_row(
                run_id=crashed.id,
                facts=facts,
                outcome=classify(facts, Expectation(title=title)),
                checked_at=T0,
            ),
        )
        return crashed.id


async def resumed_an_hour_later(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    sites: Sites,
    crashed_id: int,
) -> RunReport:
    """The run `crashed_id` resumed an hour after T0 (no heartbeat since: it is stale)."""
    async with sites.fetcher(settings) as fetcher:
        return await check_run(
            sessions,
            settings,
            trigger="resume",
            fetcher=fetcher,
            resume=crashed_id,
            clock=clock_from(T0 + timedelta(hours=1)),
        )


def attempts_read(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The run ids of every read of stored checks' attempts (`runs.attempts_page`) from now."""
    read: list[list[int]] = []
    real = runs.attempts_page

    async def counted(session: AsyncSession, *, run_ids: list[int], **query: Any) -> Any:
        read.append(list(run_ids))
        return await real(session, run_ids=run_ids, **query)

    monkeypatch.setattr(runs, "attempts_page", counted)
    return read


async def two_sites(sessions: async_sessionmaker[AsyncSession], sites: Sites) -> tuple[Site, Site]:
    """a.test and b.test, each with one helpline page listed in the catalog."""
    a = await sites.add("a.test", {"/": page("A", "Alpha helpline")})
    b = await sites.add("b.test", {"/x": page("B", "Beta helpline")})
    await load(sessions, [{"title": "A", "url": a.url("/")}, {"title": "B", "url": b.url("/x")}])
    return a, b


def clock_from(start: datetime) -> Callable[[], datetime]:
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=next(ticks))


async def test_every_verdict_from_a_loopback_site(
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    world: World,
    oembed: OEmbedLookup,
) -> None:
    await load(sessions, world.resources)
    seen: list[CheckResult] = []
    async with world.sites.fetcher(run_settings) as fetcher:
        report = await check_run(
            sessions,
            run_settings,
            trigger="cli",
            fetcher=fetcher,
            video=oembed,
            on_result=seen.append,
        )
    verdicts = {target.key: result.verdict for target, result in report.by_resource()}
    assert verdicts == EXPECTED
    assert report.status is RunStatus.COMPLETED and not report.inconclusive
    assert report.broken_found
    distinct = len(set(world.urls.values()))
    assert report.planned == len(report.results) == len(seen) == distinct
    assert sum(report.counts.values()) == distinct
    by_key = {t.key: r for t, r in report.by_resource()}
    assert by_key["moved"].outcome.suggested_url == world.urls["ok"] + "help"
    assert by_key["moved-https"].outcome.suggested_url.startswith("https://secure.test:")
    assert by_key["moved-domain"].outcome.suggested_url.startswith("http://new-org.test:")
    assert by_key["insecure"].outcome.evidence["tls"] == "tls_expired"
    assert by_key["challenge"].outcome.evidence["signature"] == "cloudflare_challenge"
    assert by_key["look-alike"].outcome.rule == "soft_404_like_random_path"
    assert by_key["meta-refresh"].outcome.rule == "meta_refresh_to_broken"
    assert by_key["transient"].facts.attempts == 2

    ok_site = world.sites.sites[0]
    assert ok_site.hits("/shared") == 1  # listed twice, fetched once
    catchall = next(s for s in world.sites.sites if s.host == "catchall.test")
    probes = [r for r in catchall.requests if r.path.startswith("/curator-probe-")]
    assert len(probes) == 1  # one baseline per host per run
    busy = next(s for s in world.sites.sites if s.host == "busy.test")
    assert not [r for r in busy.requests if r.path.startswith("/curator-probe-")]

    async with sessions() as session:
        run = await session.get(Run, report.run_id)
        assert run is not None and run.status is RunStatus.COMPLETED
        assert run.checked_urls == distinct and run.finished_at is not None
        stored = (await session.execute(select(Check).where(Check.run_id == run.id))).scalars()
        assert {c.url: c.verdict for c in stored} == {world.urls[k]: v for k, v in EXPECTED.items()}
        states = (await session.execute(select(LinkState))).scalars().all()
        assert len(states) == distinct
        by_url = {s.url: s for s in states}
        assert by_url[world.urls["ok"]].verdict is Verdict.OK
        # One check is not proof: a failure is pending, not confirmed.
        missing = by_url[world.urls["missing"]]
        assert missing.verdict is None and missing.consecutive_failures == 1
        assert missing.last_verdict is Verdict.BROKEN


async def test_failures_are_confirmed_over_days(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("ok.test", {"/": page("Helpline", "Helpline")})
    await load(
        sessions,
        [{"title": "Helpline", "url": site.url("/")}, {"title": "Old", "url": site.url("/old")}],
    )
    async with sites.fetcher(run_settings) as fetcher:
        for day in range(4):
            await check_run(
                sessions,
                run_settings,
                trigger="schedule",
                fetcher=fetcher,
                clock=clock_from(T0 + timedelta(days=day * 1.5)),
            )
    async with sessions() as session:
        rows = await link_states.link_states(session, urls=[site.url("/old"), site.url("/")])
    assert rows[site.url("/old")].verdict is Verdict.BROKEN
    assert rows[site.url("/old")].consecutive_failures == 4
    assert rows[site.url("/")].verdict is Verdict.OK


async def test_outage_is_inconclusive_and_changes_no_state(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    a, b = await two_sites(sessions, sites)
    async with sites.fetcher(run_settings) as fetcher:
        first = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    assert first.status is RunStatus.COMPLETED

    async def states() -> dict[str, tuple[object, ...]]:
        async with sessions() as session:
            rows = (await session.execute(select(LinkState))).scalars().all()
            return {
                r.url: (
                    r.verdict,
                    r.last_verdict,
                    r.consecutive_failures,
                    r.last_checked_at,
                    r.last_check_id,
                )
                for r in rows
            }

    before = await states()
    sites.resolver.fail("a.test")
    sites.resolver.fail("b.test")
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    assert report.status is RunStatus.INCONCLUSIVE and report.inconclusive
    assert not report.states_changed
    assert {r.verdict for r in report.results} == {Verdict.TRANSIENT}
    assert "network looks down" in report.summary
    assert await states() == before
    async with sessions() as session:
        run = await session.get(Run, report.run_id)
        assert run is not None and run.status is RunStatus.INCONCLUSIVE
        assert run.checked_urls == 2  # the failed checks are kept as evidence


async def test_one_dead_host_is_not_an_outage_when_others_answer(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    a = await sites.add("a.test", {"/": page("A", "Alpha helpline")})
    down = await sites.add("down.test", {"/": page("D", "Down helpline")})
    await load(sessions, [{"title": "A", "url": a.url("/")}, {"title": "D", "url": down.url("/")}])
    async with sites.fetcher(run_settings) as fetcher:
        await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    sites.resolver.fail("down.test")
    # A confirmation recheck of the failing URL alone: the recently working a.test proves
    # the network answers, so the failure counts.
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(
            sessions, run_settings, trigger="confirm", fetcher=fetcher, urls=[down.url("/")]
        )
    assert report.status is RunStatus.COMPLETED
    assert [r.verdict for r in report.results] == [Verdict.TRANSIENT]
    async with sessions() as session:
        rows = await link_states.link_states(session, urls=[down.url("/")])
    assert rows[down.url("/")].consecutive_failures == 1
    assert rows[down.url("/")].verdict is Verdict.OK  # pending, not yet confirmed


async def test_a_run_tells_a_dead_network_from_its_own_checks_without_reading_them_back(
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    sites: Sites,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = await two_sites(sessions, sites)
    read = attempts_read(monkeypatch)
    sites.resolver.fail("a.test")
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    # b.test answered: one dead host is no outage, told without reading the checks back.
    assert report.status is RunStatus.COMPLETED and report.states_changed
    assert read == []
    sites.resolver.fail("b.test")
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    assert report.status is RunStatus.INCONCLUSIVE and not report.states_changed
    assert read == []


async def test_a_resumed_run_counts_the_hosts_the_interrupted_run_reached(
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    sites: Sites,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = await two_sites(sessions, sites)
    async with sites.fetcher(run_settings) as fetcher:
        facts_a = await fetcher.fetch(a.url("/"))
    crashed_id = await crashed_run(sessions, [a.url("/"), b.url("/x")], facts_a, "A")
    read = attempts_read(monkeypatch)
    sites.resolver.fail("b.test")
    resumed = await resumed_an_hour_later(sessions, run_settings, sites, crashed_id)
    # Its own check failed at the network level, but a.test answered the interrupted run:
    # the network worked, and both checks are applied.
    assert [r.verdict for r in resumed.results] == [Verdict.TRANSIENT]
    assert resumed.status is RunStatus.COMPLETED and resumed.states_changed
    assert read == [[crashed_id]]  # only the interrupted run's checks are read back
    async with sessions() as session:
        rows = await link_states.link_states(session, urls=[a.url("/"), b.url("/x")])
    assert rows[a.url("/")].verdict is Verdict.OK
    assert rows[b.url("/x")].consecutive_failures == 1


async def test_stop_interrupts_and_resume_finishes(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    paths = [f"/p{i}" for i in range(6)]
    site = await sites.add("ok.test", {p: page("Helpline", f"Helpline page {p}") for p in paths})
    await load(sessions, [{"title": f"R{p}", "url": site.url(p)} for p in paths])
    stop = asyncio.Event()
    settings = run_settings.model_copy(update={"concurrency": 1})
    async with sites.fetcher(settings) as fetcher:
        first = await check_run(
            sessions,
            settings,
            trigger="schedule",
            fetcher=fetcher,
            on_result=lambda _: stop.set(),
            stop=stop,
        )
    assert first.status is RunStatus.INTERRUPTED
    assert len(first.results) == 1
    async with sessions() as session:
        left = await store.unchecked_urls(session, run_id=first.run_id)
        stored = await store.run_checks(session, run_ids=[first.run_id])
    assert len(left) == 5 and [c.url for c in stored] == [first.results[0].url]

    async with sites.fetcher(settings) as fetcher:
        resumed = await check_run(
            sessions, settings, trigger="resume", fetcher=fetcher, resume=first.run_id
        )
    assert resumed.status is RunStatus.COMPLETED and resumed.resumed_from == first.run_id
    assert sorted(r.url for r in resumed.results) == sorted(left)
    assert all(site.hits(p) == 1 for p in paths)
    async with sessions() as session:
        states = (await session.execute(select(LinkState))).scalars().all()
    assert len(states) == 6 and {s.verdict for s in states} == {Verdict.OK}


async def test_a_run_left_by_a_dead_process_is_marked_interrupted_then_resumed(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("ok.test", {"/a": page("A", "a"), "/b": page("B", "b")})
    await load(
        sessions, [{"title": "A", "url": site.url("/a")}, {"title": "B", "url": site.url("/b")}]
    )
    async with sites.fetcher(run_settings) as fetcher:
        facts_a = await fetcher.fetch(site.url("/a"))
    crashed_id = await crashed_run(sessions, [site.url("/a"), site.url("/b")], facts_a, "A")
    async with sessions() as session:
        assert (await running_run(session)) is not None
    # The next start (an hour later: no heartbeat since) marks it, and refuses nothing.
    resumed = await resumed_an_hour_later(sessions, run_settings, sites, crashed_id)
    async with sessions() as session:
        crashed_row = await session.get(Run, crashed_id)
    assert crashed_row is not None and crashed_row.status is RunStatus.INTERRUPTED
    assert [r.url for r in resumed.results] == [site.url("/b")]
    assert site.hits("/a") == 1 and site.hits("/b") == 1
    async with sessions() as session:
        rows = await link_states.link_states(session, urls=[site.url("/a"), site.url("/b")])
    # The interrupted run's completed check counts too.
    assert set(rows) == {site.url("/a"), site.url("/b")}


async def test_only_one_run_at_a_time(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("ok.test", {"/": page("A", "a")})
    await load(sessions, [{"title": "A", "url": site.url("/")}])
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        live = await create_run(
            session, trigger="schedule", planned_urls=[], started_at=now, owner="elsewhere:1"
        )
    with pytest.raises(RunConflictError) as raised:
        await check_run(sessions, run_settings, trigger="api")
    assert raised.value.run_id == live.id
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(
            sessions,
            run_settings,
            trigger="recheck",
            fetcher=fetcher,
            exclusive=False,
            resource_ids=[],
        )
    assert report.planned == 0 and report.status is RunStatus.COMPLETED


async def test_a_working_page_is_kept_as_the_links_snapshot(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add(
        "ok.test",
        {"/": page("Revenge Porn Helpline", HELPLINE_TEXT, headings=["Get help now"])},
    )
    url = site.url("/")
    await load(sessions, [{"title": "Revenge Porn Helpline", "url": url}])
    async with sites.fetcher(run_settings) as fetcher:
        await check_run(
            sessions, run_settings, trigger="cli", fetcher=fetcher, clock=clock_from(T0)
        )
        site.route("/", page("Not Found", "Gone.", status=404))
        await check_run(
            sessions,
            run_settings,
            trigger="cli",
            fetcher=fetcher,
            clock=clock_from(T0 + timedelta(days=1)),
        )
    async with sessions() as session:
        kept = await snapshots(session, urls=[url])
        state = to_status((await link_states.link_states(session, urls=[url]))[url])
    snapshot = kept[url]
    assert snapshot.title == "Revenge Porn Helpline"
    assert snapshot.heading == "Get help now"
    assert snapshot.text.startswith("Get help now Revenge Porn Helpline: call 0345 6000 459")
    assert snapshot.fingerprint is not None
    assert state.snapshot == snapshot and state.snapshot_at == state.last_ok_at
    assert state.last_verdict is Verdict.BROKEN  # the 404 did not replace the last good page


CASINO_PAGE = page(
    "Best Online Casino UK - Free Spins",
    "Claim 200 free spins and a no deposit bonus today. Play roulette, blackjack and online "
    "slots with a jackpot every hour. Live casino tables open all night long for players.",
)


async def test_a_domain_taken_over_between_runs_is_parked_with_what_it_was(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add(
        "lapsed.test",
        {
            "/advice": page(
                "Sextortion advice | Safe Online",
                "Sextortion: stay calm, keep the "
                "evidence, report it and get support from people who understand.",
            )
        },
    )
    url = site.url("/advice")
    await load(sessions, [{"title": "Sextortion advice for adults", "url": url}])
    async with sites.fetcher(run_settings) as fetcher:
        first = await check_run(
            sessions, run_settings, trigger="cli", fetcher=fetcher, clock=clock_from(T0)
        )
        site.route("/advice", CASINO_PAGE)
        second = await check_run(
            sessions,
            run_settings,
            trigger="cli",
            fetcher=fetcher,
            clock=clock_from(T0 + timedelta(days=7)),
        )
    assert first.results[0].verdict is Verdict.OK
    outcome = second.results[0].outcome
    assert outcome.verdict is Verdict.PARKED and outcome.rule == "parked_takeover"
    assert "was 'Sextortion advice | Safe Online'" in outcome.detail
    assert outcome.evidence["now"] == "Best Online Casino UK - Free Spins"


APP_SHELL = Response(
    body='<!doctype html><html><head><title>Safe Online</title></head><body><div id="app">'
    '</div><script src="/static/app.js"></script></body></html>'
)
WALL_200 = Response(
    body="<html><head><title>Just a moment...</title></head><body>Checking your browser "
    "before accessing the site.</body></html>",
)


async def test_path_ignoring_sites_and_walls_that_answer_every_address_alike(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    shell = await sites.add("shell.test", fallback=APP_SHELL)
    walled = await sites.add("walled200.test", fallback=WALL_200)
    catch = await sites.add("catch.test", fallback=CATCH_ALL)
    urls = {
        "shell": shell.url("/guides/sextortion"),
        "walled": walled.url("/guides/sextortion"),
        "catch-all": catch.url("/guides/sextortion"),
    }
    await load(
        sessions,
        [{"id": key, "title": "Safe Online: sextortion", "url": url} for key, url in urls.items()],
    )
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
    by_key = {t.key: r.outcome for t, r in report.by_resource()}
    assert by_key["shell"].verdict is Verdict.OK
    assert "answers every address with this same page" in by_key["shell"].detail
    assert by_key["walled"].verdict is Verdict.UNVERIFIABLE
    assert by_key["catch-all"].verdict is Verdict.SOFT_404


async def test_a_run_keeping_no_result_prints_the_same_from_the_store_a_page_at_a_time(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    world: World,
    oembed: OEmbedLookup,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    half = len(world.resources) // 2
    data = {
        "guides": [
            {"slug": slug, "title": slug, "sections": [{"title": "S", "resources": part}]}
            for slug, part in (("b", world.resources[:half]), ("a", world.resources[half:]))
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))
    async with world.sites.fetcher(run_settings) as fetcher:
        kept = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher, video=oembed)
        lean = await check_run(
            sessions,
            run_settings,
            trigger="cli",
            fetcher=fetcher,
            video=oembed,
            keep_results=False,
        )
    assert lean.results == () and lean.targets == () and lean.broken_found
    assert sum(lean.counts.values()) == lean.planned == kept.planned
    pages: list[int] = []
    queries: list[int] = []
    statements: list[str] = []
    real = runs.results_page

    def executed(*args: Any) -> None:
        statements.append(args[2])

    async def counted(session: AsyncSession, **query: Any) -> Any:
        pages.append(len(query["resource_ids"]))
        before = len(statements)
        found = await real(session, **query)
        queries.append(len(statements) - before)
        return found

    event.listen(engine.sync_engine, "before_cursor_execute", executed)

    monkeypatch.setattr(runs, "results_page", counted)
    ids = [t.resource_id for t in kept.targets]  # catalog order: guide a, then b
    assert len(ids) == len(world.resources) > 8
    async with sessions() as session:
        broken = [t.resource_id for t, r in kept.by_resource() if r.group is Group.BROKEN]
        found = await standings(session, now=utcnow(), resource_ids=broken)
    fails = kept.fails_check({s.resource.id: s.standing for s in found})
    for output in Format:
        for quiet in (False, True):
            print_report(kept, output, quiet=quiet)
            expected = capsys.readouterr().out
            # The run's results read back from the store are what it printed.
            pages.clear()
            stored = StoredRun(sessions, kept, ids, now=utcnow(), page=4)
            await print_stored(stored, output, quiet=quiet, terminal=None)
            assert capsys.readouterr().out == expected, (output, quiet)
            assert stored.fails == fails
            assert pages and max(pages) <= 4
            assert set(queries) == {1}  # a page of results is one query
            queries.clear()
    # A run that kept nothing prints its results all the same (a page of four at a time).
    pages.clear()
    stored = StoredRun(sessions, lean, ids, now=utcnow(), page=4)
    await print_stored(stored, Format.JSON, quiet=False, terminal=None)
    printed = json.loads(capsys.readouterr().out)
    assert [(r["guide"], r["resource"]) for r in printed["results"]] == [
        (t.guide_slug, t.key) for t in kept.targets
    ]
    assert all(r["check_id"] is not None for r in printed["results"])
    assert stored.fails and pages == [4] * (len(ids) // 4) + [len(ids) % 4] * bool(len(ids) % 4)
    assert set(queries) == {1}
    event.remove(engine.sync_engine, "before_cursor_execute", executed)


async def test_stored_results_leave_out_resources_the_run_did_not_check(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("ok.test", {"/a": page("A", "a"), "/c": page("C", "c")})
    await load(
        sessions,
        [
            {"title": "A", "url": site.url("/a")},
            {"title": "B", "url": site.url("/b")},
            {"title": "C", "url": site.url("/c")},
        ],
    )
    async with sessions() as session:
        rows = (await session.execute(select(Resource.id, Resource.url))).all()
    ids = {url: resource_id for resource_id, url in rows}
    checked = [ids[site.url("/a")], ids[site.url("/b")]]
    async with sites.fetcher(run_settings) as fetcher:
        report = await check_run(
            sessions, run_settings, trigger="cli", fetcher=fetcher, resource_ids=checked
        )
    every = [ids[site.url(p)] for p in ("/c", "/b", "/a")]
    read = [
        [(listed.key, result.verdict) for listed, result in page]
        async for page in stored_results(sessions, run_id=report.run_id, resource_ids=every)
    ]
    assert read == [[("b", Verdict.BROKEN), ("a", Verdict.OK)]]  # /c: never checked
    broken = [
        [listed.url for listed, _ in page]
        async for page in stored_results(
            sessions, run_id=report.run_id, resource_ids=every, verdicts={Verdict.BROKEN}
        )
    ]
    assert broken == [[site.url("/b")]]


async def test_a_run_keeping_no_result_reads_its_resources_a_page_of_urls_at_a_time(
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    world: World,
    oembed: OEmbedLookup,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import curator.runs.execute as execute

    shared = dict(world.resources[0], id="same-address-again", title="Same address again")
    data = {
        "guides": [
            {"slug": slug, "title": slug, "sections": [{"title": "S", "resources": part}]}
            for slug, part in (("b", world.resources), ("a", [shared]))
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))
    async with world.sites.fetcher(run_settings) as fetcher:
        kept = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher, video=oembed)
        pages: list[list[str]] = []
        real = execute.targets_of

        async def read(session: AsyncSession, plan: Plan, positions: list[int]) -> Any:
            pages.append([plan.url(p) for p in positions])
            return await real(session, plan, positions)

        async def whole(*_: Any, **__: Any) -> Any:
            raise AssertionError("a run keeping no result reads no resource up front")

        monkeypatch.setattr(execute, "targets_of", read)
        monkeypatch.setattr(execute, "select_targets", whole)
        monkeypatch.setattr(runs, "RUN_PAGE", 4)
        given: list[CheckResult] = []
        lean = await check_run(
            sessions,
            run_settings,
            trigger="cli",
            fetcher=fetcher,
            video=oembed,
            keep_results=False,
            on_result=given.append,
        )
    assert lean.planned == kept.planned > 8
    # Each URL's resources are read once, a page of four URLs at a time, in the run's order.
    assert all(len(p) <= 4 for p in pages) and len(pages) > 2
    assert sorted(u for p in pages for u in p) == sorted(r.url for r in kept.results)
    # …and are those a run holding every resource gives each URL (an address listed twice
    # with both resources, in catalog order).
    assert {r.url: r.targets for r in given} == {r.url: r.targets for r in kept.results}
    twice = next(r for r in given if r.url == shared["url"]).targets
    assert [t.guide_slug for t in twice] == ["a", "b"] and twice[0].key == "same-address-again"
