"""One run at a time, kept by the database; rechecks run beside any run and never keep one
from starting."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator import editing
from curator.domain import RunStatus, RunTrigger
from curator.errors import RunConflictError
from curator.runs.execute import RunReport
from curator.settings import Settings
from curator.store import runs
from curator.store.engine import create_engine, session_factory
from curator.store.models import Resource
from tests.factories import create_run
from tests.polling import wait_until
from tests.running import check_run
from tests.runs.test_execute import load
from tests.sites import Behaviour, Request, Responses, Site, Sites, page


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def run_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"retries": 0, "video_oembed": False, "url_deadline": 30})


@dataclass
class Held(Behaviour):
    """Answer a page once `release` is set (a slow resource)."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    asked: asyncio.Event = field(default_factory=asyncio.Event)

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Wait for the release, then answer like a working page."""
        self.asked.set()
        await self.release.wait()
        return await page("Slow", "a slow but working page").respond(site, request, writer)


async def test_the_database_allows_one_running_run_besides_rechecks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        first = await create_run(
            session, trigger=RunTrigger.SCHEDULE, planned_urls=[], started_at=now
        )
    with pytest.raises(IntegrityError) as raised:
        async with sessions() as session, session.begin():
            await create_run(session, trigger=RunTrigger.EDITOR, planned_urls=[], started_at=now)
    assert runs.is_one_running_conflict(raised.value)
    async with sessions() as session, session.begin():
        for _ in range(2):
            await create_run(session, trigger=RunTrigger.RECHECK, planned_urls=[], started_at=now)
    async with sessions() as session, session.begin():
        await runs.finish_run(
            session, run_id=first.id, status=RunStatus.COMPLETED, counts={}, finished_at=now
        )
        await create_run(session, trigger=RunTrigger.CLI, planned_urls=[], started_at=now)


async def test_two_processes_starting_a_run_at_once_start_one(
    database_url: str, run_settings: Settings, sites: Sites
) -> None:
    held = Held()
    site = await sites.add("slow.test", {"/": held})
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        factories = [session_factory(e) for e in engines]
        await load(factories[0], [{"title": "Slow", "url": site.url("/")}])

        async def start(sessions: async_sessionmaker[AsyncSession]) -> RunReport:
            async with sites.fetcher(run_settings) as fetcher:
                return await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)

        tasks = [asyncio.create_task(start(f)) for f in factories]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        (refused,) = done
        with pytest.raises(RunConflictError):
            refused.result()
        held.release.set()
        (winner,) = [t for t in tasks if t is not refused]
        report = await winner
        assert report.status is RunStatus.COMPLETED
        assert site.hits("/") == 1
    finally:
        for e in engines:
            await e.dispose()


async def test_a_recheck_of_a_slow_resource_never_blocks_a_full_run(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    held = Held()
    slow = await sites.add("slow.test", {"/": Responses(held, page("Slow", "quick now"))})
    other = await sites.add("ok.test", {"/": page("Other", "a working page")})
    await load(
        sessions,
        [{"title": "Slow", "url": slow.url("/")}, {"title": "Other", "url": other.url("/")}],
    )
    async with sessions() as session:
        slow_id = (
            await session.execute(select(Resource.id).where(Resource.url == slow.url("/")))
        ).scalar_one()
    async with sites.fetcher(run_settings) as fetcher:
        recheck = asyncio.create_task(
            check_run(
                sessions, run_settings, trigger="recheck", fetcher=fetcher, resource_ids=[slow_id]
            )
        )
        await held.asked.wait()  # the recheck is running, waiting on the slow site
        # An editor's "run all now" is not refused …
        async with sessions() as session, session.begin():
            await editing.start_run(session, actor="editor")
        # … and a full run starts and completes beside the recheck.
        full = await check_run(sessions, run_settings, trigger="cli", fetcher=fetcher)
        assert full.status is RunStatus.COMPLETED
        assert not recheck.done()
        held.release.set()
        assert (await recheck).status is RunStatus.COMPLETED


async def test_a_recheck_beside_a_full_run_of_the_same_process_shares_its_fetches(
    sessions: async_sessionmaker[AsyncSession], run_settings: Settings, sites: Sites
) -> None:
    held = Held()
    slow = await sites.add("slow.test", {"/": held})
    await load(sessions, [{"title": "Slow", "url": slow.url("/")}])
    async with sessions() as session:
        (slow_id,) = (await session.execute(select(Resource.id))).scalars()
    async with sites.checker(run_settings) as checker:
        recheck = asyncio.create_task(
            check_run(
                sessions, run_settings, trigger="recheck", checker=checker, resource_ids=[slow_id]
            )
        )
        await held.asked.wait()
        full = asyncio.create_task(
            check_run(sessions, run_settings, trigger="cli", checker=checker)
        )

        async def joined() -> bool:
            for task in (recheck, full):
                if task.done():
                    task.result()  # a run that ended early says why
                    raise AssertionError("a run ended before the slow page answered")
            return checker.waiting_on(slow.url("/")) == 2

        await wait_until(joined, within=30, what="the full run to join the recheck's fetch")
        held.release.set()
        reports = await asyncio.gather(recheck, full)
    assert [r.status for r in reports] == [RunStatus.COMPLETED, RunStatus.COMPLETED]
    assert slow.hits("/") == 1  # one fetch of the URL, for both runs
