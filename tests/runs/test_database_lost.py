"""PostgreSQL lost under a run in a process that lives on (the API, the scheduler): the run
fails and cannot record its end while the database is away, so its row stays `running`,
owned by a live process. Once the database is back, the process's next run is not refused
by it: a run this process owns but no longer runs is dead, whatever its heartbeat says."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from curator.check.checker import Checker
from curator.domain import RunStatus, RunTrigger
from curator.runs.execute import execute_run
from curator.runs.selection import Selection
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, Run
from tests.databases import TestDatabase
from tests.polling import wait_until
from tests.proxy import Cuttable
from tests.runs.test_execute import load
from tests.sites import Hang, Sites, page


@pytest.fixture
def pg(test_databases: dict[str, TestDatabase]) -> Iterator[TestDatabase]:
    database = test_databases["postgresql"]
    database.clean()
    yield database
    database.clean()


@pytest.fixture
async def proxy(pg: TestDatabase) -> AsyncIterator[Cuttable]:
    async with Cuttable(make_url(pg.url).port or 5432) as cuttable:
        yield cuttable


async def test_the_next_run_of_this_process_is_not_refused_by_the_one_the_database_lost(
    pg: TestDatabase, proxy: Cuttable, sites: Sites, tmp_path: Path
) -> None:
    fast = await sites.add("fast.test", {"/1": page("One", "One.")})
    slow = await sites.add("slow.test", fallback=Hang())
    direct = session_factory(create_engine(pg.url))
    await load(
        direct,
        [{"title": "One", "url": fast.url("/1")}, {"title": "Slow", "url": slow.url("/x")}],
    )
    through = create_engine(
        make_url(pg.url).set(port=proxy.port).render_as_string(hide_password=False)
    )
    sessions = session_factory(through)
    run_settings = Settings(
        database_url=pg.url,
        catalog_path=tmp_path / "resources.yaml",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        video_oembed=False,
        read_timeout=1.0,
        url_deadline=5.0,
    )
    checker = Checker(sites.fetcher(run_settings), concurrency=4, close=None)

    async def stored() -> bool:
        async with direct() as session:
            return bool((await session.execute(select(Check.id))).first())

    try:
        first = asyncio.create_task(
            execute_run(
                sessions,
                checker,
                Selection.everything(),
                trigger=RunTrigger.EDITOR,
                confirm=run_settings.confirm_policy(),
            )
        )
        await wait_until(stored, within=20, what="the first check stored")
        proxy.cut()
        with pytest.raises(Exception):  # noqa: B017 - whatever the lost connection raised
            await first
        async with direct() as session:
            (lost,) = (await session.execute(select(Run))).scalars().all()
        assert lost.status is RunStatus.RUNNING  # its end could not be written

        proxy.restore()
        slow.fallback = page("Slow", "Slow.")
        again = await execute_run(
            sessions,
            checker,
            Selection.everything(),
            trigger=RunTrigger.EDITOR,
            confirm=run_settings.confirm_policy(),
        )
        assert again.status is RunStatus.COMPLETED
        async with direct() as session:
            lost_now = await session.get(Run, lost.id, populate_existing=True)
        assert lost_now is not None and lost_now.status is RunStatus.INTERRUPTED
    finally:
        await checker.fetcher.aclose()
        await through.dispose()
        await direct.kw["bind"].dispose()
