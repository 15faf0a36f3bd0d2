"""A run's head start: the first URLs fetched before the run exists, each fetched once, nothing
stored or kept when the run never starts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.check.checker import Checker
from curator.domain import RunTrigger
from curator.errors import RunConflictError
from curator.runs.execute import RunReport, execute_run
from curator.runs.headstart import HeadStart
from curator.runs.recovery import owner_id, running_here
from curator.runs.selection import Selection
from curator.runs.targets import Plan
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.engine import session_factory
from curator.store.models import Check
from curator.sync import sync_catalog
from tests.factories import create_run
from tests.polling import wait_until
from tests.sites import Response, Site, Sites, page


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def run_settings(settings: Settings) -> Settings:
    # Timeouts far past the pages' delays: a fetch the fetcher retried after a read timeout on
    # a machine stalled by other work would ask for its page twice, which these tests count.
    return settings.model_copy(
        update={
            "retries": 1,
            "video_oembed": False,
            "concurrency": 4,
            "read_timeout": 30.0,
            "url_deadline": 60.0,
        }
    )


def catalog(urls: list[str]) -> Any:
    resources = [{"id": f"r{i}", "title": f"Page {i}", "url": url} for i, url in enumerate(urls)]
    return parse_catalog(
        "test.yaml",
        {
            "guides": [
                {"slug": "g", "title": "G", "sections": [{"title": "S", "resources": resources}]}
            ]
        },
    )


async def two_sites(sites: Sites, delay: float = 0.0) -> tuple[Site, Site, list[str]]:
    """Two sites of advice pages (any other address is not found); a catalog's URLs listing
    one site's pages together, then the other's, one of them twice."""

    def pages(count: int) -> dict[str, Response]:
        return {
            f"/p{i}": replace(
                page(f"Advice {i}", f"Advice number {i} for professionals."), delay=delay
            )
            for i in range(count)
        }

    one = await sites.add("one.test", pages(6))
    two = await sites.add("two.test", pages(4))
    urls = [one.address_url(f"/p{i}") for i in range(6)] + [
        two.address_url(f"/p{i}") for i in range(4)
    ]
    return one, two, [*urls, urls[0]]


async def run_everything(
    sessions: async_sessionmaker[AsyncSession],
    checker: Checker,
    head: HeadStart,
    settings: Settings,
) -> RunReport:
    """`curator check`'s run of every resource, taking over the head start's fetches."""
    return await execute_run(
        sessions,
        checker,
        Selection.everything(),
        trigger=RunTrigger.CLI,
        confirm=settings.confirm_policy(),
        sweep=head.sweep,
    )


def probe(test: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def probed() -> bool:
        return test()

    return probed


async def test_the_head_start_takes_the_urls_the_run_takes_first(
    sites: Sites, run_settings: Settings
) -> None:
    _, _, urls = await two_sites(sites)
    checker = sites.checker(run_settings)
    async with checker:
        head = HeadStart.of(checker, urls, waves=2)
        plan = Plan.of(enumerate(urls))
        assert head.urls == tuple(plan.url(p) for p in range(8))
        assert HeadStart.of(checker, urls, waves=5).urls == tuple(plan.urls())
        assert HeadStart.of(checker, urls, waves=0).urls == ()


async def test_a_run_takes_over_the_head_starts_fetches_each_url_fetched_once(
    sites: Sites, run_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    one, two, urls = await two_sites(sites, delay=0.05)
    async with sites.checker(run_settings) as checker:
        async with HeadStart.of(checker, urls) as head:
            # Before the run exists, even before the catalog is synced, the first pages are
            # asked for.
            await wait_until(
                probe(lambda: bool(one.requests and two.requests)), within=5, what="requests"
            )
            async with sessions() as session, session.begin():
                await sync_catalog(session, catalog(urls))
            report = await run_everything(sessions, checker, head, run_settings)
    assert report.planned == 10
    assert {result.verdict.value for result in report.results} == {"ok"}
    for site, count in ((one, 6), (two, 4)):
        for i in range(count):
            assert site.hits(f"/p{i}") == 1, (site.host, i)
    assert not head.sweep.fetches or all(task.done() for task in head.sweep.fetches.values())


async def test_a_run_that_never_starts_stores_nothing_and_stops_the_head_start(
    sites: Sites, run_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, _, urls = await two_sites(sites, delay=1.0)  # still under way when the run is refused
    async with sessions() as session, session.begin():
        await sync_catalog(session, catalog(urls))
        # Another live run, which this one must not start beside.
        going = await create_run(
            session,
            trigger=RunTrigger.SCHEDULE,
            planned_urls=[],
            started_at=utcnow(),
            owner=owner_id(),
        )
    async with sites.checker(run_settings) as checker:
        with running_here(going.id), pytest.raises(RunConflictError):
            async with HeadStart.of(checker, urls) as head:
                await asyncio.sleep(0.05)
                assert head.sweep.fetches  # under way
                await run_everything(sessions, checker, head, run_settings)
        await asyncio.sleep(0)
        assert all(task.cancelled() for task in head.sweep.fetches.values())
        assert checker.waiting_on(urls[0]) == 0
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Check)) == 0
