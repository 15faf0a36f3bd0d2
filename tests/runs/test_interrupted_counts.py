"""A run stopped while a stored check's follow-up is still going (a broken link's search for
where its page went) reports what it stored: its summary, counts and checked URLs agree with
the checks kept, so the interrupted run is reported as the store holds it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.check.checker import Checker
from curator.domain import RunStatus, RunTrigger
from curator.runs.execute import execute_run
from curator.runs.selection import Selection
from curator.settings import Settings
from curator.store.engine import session_factory
from curator.store.models import Check, Run
from tests.polling import wait_until
from tests.runs.test_execute import load
from tests.sites import Hang, Response, Site, Sites


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


async def test_a_run_cancelled_mid_search_counts_the_check_it_stored(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, sites: Sites
) -> None:
    site = await sites.add(
        "charity.test",
        {"/old-advice": Response(404, "Not found")},
        fallback=Hang(),  # the search for where the page went asks the site: it hangs
    )
    await load(sessions, [{"title": "Old advice", "url": site.url("/old-advice")}])
    settings = settings.model_copy(
        update={"replacement_search": True, "video_oembed": False, "retries": 0}
    )
    fetcher = sites.fetcher(settings)
    checker = Checker(fetcher, concurrency=4, close=fetcher.aclose, search=settings.search_limits())

    async def stored() -> bool:
        async with sessions() as session:
            return bool(await session.scalar(select(func.count()).select_from(Check)))

    async with checker:
        running = asyncio.create_task(
            execute_run(
                sessions,
                checker,
                Selection.everything(),
                trigger=RunTrigger.CLI,
                confirm=settings.confirm_policy(),
            )
        )
        await wait_until(stored, within=20, what="the broken link's check stored")
        await wait_until(lambda: _searching(site), within=20, what="the site search")
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    async with sessions() as session:
        run = (await session.execute(select(Run))).scalar_one()
        checks = (await session.execute(select(Check))).scalars().all()
    assert run.status is RunStatus.INTERRUPTED
    assert len(checks) == 1 and run.checked_urls == 1
    assert run.counts == {"broken": 1}
    assert run.summary == "Interrupted after 1 of 1 addresses; nothing changed."


async def _searching(site: Site) -> bool:
    return any(r.path != "/old-advice" for r in site.requests)
