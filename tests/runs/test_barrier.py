"""Every URL is its own failure domain: whatever one URL's check raises, at any stage, becomes
that URL's stored check (error fact `checker_error`, verdict `unverifiable`) and the run goes on.

Each case poisons one address of three at one stage and fails if the exception escapes the
run, if the run is not completed, or if any address is left without a stored check. The
hostile pages that used to kill whole runs (a redirect to a port out of range, a charset that
names a codec which is not a text encoding) are checked the same way, unpoisoned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check import checker as checker_module
from curator.check import readers
from curator.check.facts import ErrorKind, Facts, SiteBaseline, VideoFacts
from curator.check.fetcher import Fetcher
from curator.check.politeness import host_key
from curator.domain import RunStatus, Verdict
from curator.runs.execute import CheckResult
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.models import Check
from curator.sync import sync_catalog
from tests.running import check_run
from tests.sites import Response, Sites, page, redirect


class Injected(RuntimeError):
    """The fault a test puts into one URL's check."""


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def run_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"retries": 0, "video_oembed": False})


async def load(sessions: async_sessionmaker[AsyncSession], urls: list[str]) -> None:
    resources = [{"title": f"Resource {i}", "url": url} for i, url in enumerate(urls)]
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))


class RaisingVideo:
    """A video look-up that raises for one address."""

    def __init__(self, poisoned: str) -> None:
        self.poisoned = poisoned

    async def lookup(self, url: str) -> VideoFacts | None:
        if url == self.poisoned:
            raise Injected("video look-up")
        return None


@dataclass
class Poison:
    """Where the fault goes: set up with the poisoned address and its page's address."""

    stage: str
    inject: Callable[[pytest.MonkeyPatch, str], None]
    """Patches the code so that checking the poisoned address raises at `stage`."""
    recorded: bool = True
    """The poisoned check is stored as a checker error (False: stored with its own verdict)."""


def _fetch(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    original = Fetcher.fetch

    async def fetch(self: Fetcher, url: str, **options: Any) -> Facts:
        if url == poisoned:
            raise Injected("fetch")
        return await original(self, url, **options)

    monkeypatch.setattr(Fetcher, "fetch", fetch)


def _extraction(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    original = readers.extract_page

    def extract(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("base_url") == poisoned:
            raise Injected("extraction")
        return original(*args, **kwargs)

    monkeypatch.setattr(readers, "extract_page", extract)


def _refresh(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    original = Fetcher.fetch
    target = poisoned.replace("/poisoned", "/refresh-target")

    async def fetch(self: Fetcher, url: str, **options: Any) -> Facts:
        if url == target:
            raise Injected("meta refresh target")
        return await original(self, url, **options)

    monkeypatch.setattr(Fetcher, "fetch", fetch)


def _classification(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    original = checker_module.classify

    def classify(facts: Facts, *args: Any, **kwargs: Any) -> Any:
        if facts.url == poisoned:
            raise Injected("classification")
        return original(facts, *args, **kwargs)

    monkeypatch.setattr(checker_module, "classify", classify)


def _probe(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    original = Fetcher.probe

    async def probe(self: Fetcher, host_url: str) -> SiteBaseline:
        if host_key(host_url) == host_key(poisoned):
            raise Injected("probe")
        return await original(self, host_url)

    monkeypatch.setattr(Fetcher, "probe", probe)


def _nothing(monkeypatch: pytest.MonkeyPatch, poisoned: str) -> None:
    """The video look-up and the result callback are poisoned through the run's arguments."""


POISONS = [
    Poison("fetch", _fetch),
    Poison("extraction", _extraction),
    Poison("refresh", _refresh),
    Poison("video", _nothing),
    Poison("classification", _classification),
    Poison("probe", _probe),
    Poison("callback", _nothing, recorded=False),
]


@pytest.mark.parametrize("poison", POISONS, ids=[p.stage for p in POISONS])
async def test_an_exception_at_any_stage_stays_with_its_url(
    sessions: async_sessionmaker[AsyncSession],
    run_settings: Settings,
    sites: Sites,
    monkeypatch: pytest.MonkeyPatch,
    poison: Poison,
) -> None:
    good = await sites.add(
        "good.test", {"/a": page("Alpha", "Alpha advice."), "/b": page("Beta", "Beta advice.")}
    )
    forwarding = (
        '<html><head><meta http-equiv="refresh" content="0; url=/refresh-target">'
        "<title>Poisoned</title></head><body>Poisoned advice.</body></html>"
    )
    bad = await sites.add(
        "poison.test",
        {
            "/poisoned": Response(body=forwarding)
            if poison.stage == "refresh"
            else page("Poisoned", "Poisoned advice."),
            "/refresh-target": page("Target", "Target advice."),
        },
    )
    poisoned = bad.url("/poisoned")
    urls = [good.url("/a"), poisoned, good.url("/b")]
    await load(sessions, urls)
    poison.inject(monkeypatch, poisoned)

    def callback(result: CheckResult) -> None:
        if poison.stage == "callback" and result.url == poisoned:
            raise Injected("callback")

    video = RaisingVideo(poisoned if poison.stage == "video" else "")
    async with sites.checker(run_settings, video=video) as checker:
        report = await check_run(
            sessions, run_settings, trigger="cli", checker=checker, on_result=callback
        )

    assert report.status is RunStatus.COMPLETED
    assert sorted(r.url for r in report.results) == sorted(urls)
    async with sessions() as session:
        stored = {
            c.url: c
            for c in (await session.execute(select(Check).where(Check.run_id == report.run_id)))
            .scalars()
            .all()
        }
    assert set(stored) == set(urls)
    assert stored[good.url("/a")].verdict is Verdict.OK
    assert stored[good.url("/b")].verdict is Verdict.OK
    check = stored[poisoned]
    if poison.recorded:
        assert check.error_kind == ErrorKind.CHECKER_ERROR.value
        assert check.verdict is Verdict.UNVERIFIABLE
        assert check.evidence["rule"] == "checker_error"
        assert "Injected" in check.detail
    else:
        assert check.verdict is Verdict.OK and check.error_kind is None


HOSTILE = {
    "port-out-of-range": redirect("http://hostile.test:99999/", 301),
    "negative-port": redirect("http://hostile.test:-1/", 301),
    "charset-rot13-header": Response(
        body="<html><title>Rot</title><body>Advice.</body></html>",
        content_type="text/html; charset=rot13",
    ),
    "charset-base64-header": Response(
        body="<html><title>B64</title><body>Advice.</body></html>",
        content_type="text/html; charset=base64",
    ),
    "charset-hex-meta": Response(
        body='<html><head><meta charset="hex"><title>Hex</title></head><body>Advice.</body>',
        content_type="text/html",
    ),
    "charset-zlib-meta": Response(
        body='<html><head><meta charset="zlib_codec"><title>Z</title></head><body>A.</body>',
        content_type="text/html",
    ),
    "charset-undefined": Response(
        body="<html><title>U</title><body>Advice.</body></html>",
        content_type="text/html; charset=undefined",
    ),
}


async def test_hostile_pages_get_verdicts_and_the_run_completes(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add(
        "hostile.test",
        {f"/{name}": behaviour for name, behaviour in HOSTILE.items()}
        | {"/fine": page("Fine", "Fine advice.")},
    )
    urls = [site.url(f"/{name}") for name in HOSTILE] + [site.url("/fine")]
    await load(sessions, urls)
    async with sites.checker(run_settings) as checker:
        report = await check_run(sessions, run_settings, trigger="cli", checker=checker)
    assert report.status is RunStatus.COMPLETED
    verdicts = {r.url.rsplit("/", 1)[1]: r for r in report.results}
    for name in ("port-out-of-range", "negative-port"):
        assert verdicts[name].facts.error is ErrorKind.INVALID_URL
        assert verdicts[name].verdict is Verdict.BROKEN
    for name in HOSTILE:
        if name.startswith("charset"):
            assert verdicts[name].facts.error is None
            assert verdicts[name].facts.page is not None and verdicts[name].facts.page.title
    assert verdicts["fine"].verdict is Verdict.OK
