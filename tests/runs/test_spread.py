"""A site's links listed together do not hold the other sites back: a run, and an ad-hoc
check, start each host's links spread over the run, so every host is asked at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.runs.adhoc import check_addresses
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.sync import sync_catalog
from tests.running import check_run
from tests.sites import Behaviour, Request, Site, Sites, page

HOSTS = 4
LINKS_EACH = 3
DELAY = 0.3
"""Seconds each answer takes: long beside starting a request, so requests overlap."""


@dataclass
class Busy:
    """Which hosts are answering a request right now, and the most at once."""

    now: Counter[str] = field(default_factory=Counter)
    peak: int = 0


@dataclass(frozen=True)
class Counted(Behaviour):
    """A slow page that counts itself in `busy` while it is being answered."""

    busy: Busy

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer after DELAY, counted as busy meanwhile."""
        self.busy.now[site.host] += 1
        self.busy.peak = max(self.busy.peak, sum(1 for n in self.busy.now.values() if n))
        try:
            await asyncio.sleep(DELAY)
            answer = page("Advice", "Advice on sextortion for professionals, with a helpline.")
            return await answer.respond(site, request, writer)
        finally:
            self.busy.now[site.host] -= 1


async def grouped_links(sites: Sites, busy: Busy) -> list[str]:
    """HOSTS sites' links, each site's together, as catalogs list them."""
    urls: list[str] = []
    for index in range(HOSTS):
        site = await sites.add(f"site{index}.test", fallback=Counted(busy))
        urls += [site.url(f"/advice/{n}") for n in range(LINKS_EACH)]
    return urls


@pytest.fixture
def one_per_host(settings: Settings) -> Settings:
    """As many requests at once as there are hosts, one per host."""
    return settings.model_copy(
        update={
            "concurrency": HOSTS,
            "per_host_concurrency": 1,
            "retries": 0,
            "video_oembed": False,
        }
    )


async def test_a_run_asks_every_host_at_once_when_the_catalog_lists_each_sites_links_together(
    sites: Sites, engine: object, one_per_host: Settings
) -> None:
    busy = Busy()
    urls = await grouped_links(sites, busy)
    resources = [{"id": f"r{i}", "title": "Advice", "url": url} for i, url in enumerate(urls)]
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)  # type: ignore[arg-type]
    async with sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))
    async with sites.fetcher(one_per_host) as fetcher:
        report = await check_run(sessions, one_per_host, trigger="cli", fetcher=fetcher)
    assert sum(report.counts.values()) == len(urls)
    # In the catalog's order the four workers would queue on the first site's one slot.
    assert busy.peak == HOSTS


async def test_an_ad_hoc_check_asks_every_host_at_once(
    sites: Sites, one_per_host: Settings
) -> None:
    busy = Busy()
    urls = await grouped_links(sites, busy)
    async with sites.checker(one_per_host) as checker:
        report = await check_addresses(checker, urls)
    assert [r.url for r in report.results] == urls  # reported in the order given
    assert busy.peak == HOSTS


async def test_an_ad_hoc_check_keeps_what_it_prints_not_the_pages(
    sites: Sites, one_per_host: Settings
) -> None:
    site = await sites.add(
        "pages.test", fallback=page("Advice", "A long page of advice for professionals.")
    )
    urls = [site.url(f"/advice/{n}") for n in range(3)]
    async with sites.checker(one_per_host) as checker:
        report = await check_addresses(checker, urls)
    for result in report.results:
        # What the report prints is kept (the status, the chain, the verdict and its detail)…
        assert result.facts.status == 200
        assert result.facts.final_url == result.url
        assert [hop.status for hop in result.facts.hops] == [200]
        assert result.outcome.detail and result.outcome.rule
        # …the page, its headers and the verdict's evidence are not.
        assert result.facts.page is None
        assert result.facts.headers == ()
        assert result.outcome.evidence == {}
