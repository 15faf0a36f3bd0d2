"""PostgreSQL connections killed under a run (`pg_terminate_backend`, as a restart or a
failover does): the run reconnects, retries its unit of work and completes; a run that failed
anyway is resumed like an interrupted one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from curator.domain import RunStatus, RunTrigger
from curator.runs.execute import CheckResult
from curator.settings import Settings
from curator.store import runs as run_queries
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check
from tests.databases import TestDatabase
from tests.factories import create_run
from tests.running import check_run
from tests.runs.test_execute import load
from tests.sites import Behaviour, Request, Site, Sites, page

APP = "curator run under test"


@dataclass(frozen=True)
class Slow(Behaviour):
    delay: float

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(self.delay)
        return await page("Page", "help and support").respond(site, request, writer)


@pytest.fixture
def pg(test_databases: dict[str, TestDatabase]) -> Iterator[TestDatabase]:
    database = test_databases["postgresql"]
    database.clean()
    yield database
    database.clean()


@pytest.fixture
def run_settings(pg: TestDatabase, tmp_path: Path) -> Settings:
    return Settings(
        database_url=pg.url,
        catalog_path=tmp_path / "resources.yaml",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        retry_backoff=0.01,
        connect_timeout=2.0,
        read_timeout=2.0,
        url_deadline=5.0,
        video_oembed=False,
        replacement_search=False,
    )


async def _kill_run_connections(url: str) -> int:
    async with await psycopg.AsyncConnection.connect(
        url.replace("+psycopg", ""), autocommit=True
    ) as admin:
        cursor = await admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s",
            (APP,),
        )
        row = await cursor.fetchone()
        return int(row[0]) if row else 0


async def test_a_run_survives_its_connections_being_killed(
    pg: TestDatabase, run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("slow.test", {f"/p{i}": Slow(0.05 * (i % 5)) for i in range(30)})
    engine = create_engine(pg.url, connect_args={"application_name": APP})
    try:
        sessions = session_factory(engine)
        await load(sessions, [{"title": f"P{i}", "url": site.url(f"/p{i}")} for i in range(30)])
        results = asyncio.Queue[CheckResult]()
        killed = 0

        async def killer() -> None:
            nonlocal killed
            while True:
                await results.get()
                # Kill whatever the run holds, in use or idle in its pool.
                killed += await _kill_run_connections(pg.url)

        killing = asyncio.create_task(killer())
        try:
            async with sites.fetcher(run_settings) as fetcher:
                report = await check_run(
                    sessions,
                    run_settings,
                    trigger="cli",
                    fetcher=fetcher,
                    on_result=results.put_nowait,
                )
        finally:
            killing.cancel()
        assert killed > 0
        assert report.status is RunStatus.COMPLETED
        async with sessions() as session:
            stored = (await session.execute(select(Check.url))).scalars().all()
        assert sorted(stored) == sorted(site.url(f"/p{i}") for i in range(30))
    finally:
        await engine.dispose()


async def test_a_failed_run_is_resumable_like_an_interrupted_one(
    pg: TestDatabase, run_settings: Settings, sites: Sites
) -> None:
    site = await sites.add("ok.test", {"/a": page("A", "a"), "/b": page("B", "b")})
    engine = create_engine(pg.url)
    try:
        sessions = session_factory(engine)
        await load(
            sessions, [{"title": "A", "url": site.url("/a")}, {"title": "B", "url": site.url("/b")}]
        )
        now = datetime.now(UTC)
        async with sessions() as session, session.begin():
            failed = await create_run(
                session,
                trigger=RunTrigger.SCHEDULE,
                planned_urls=[site.url("/a"), site.url("/b")],
                started_at=now - timedelta(minutes=1),
            )
            await run_queries.finish_run(
                session,
                run_id=failed.id,
                status=RunStatus.FAILED,
                counts={},
                finished_at=now,
                summary="OperationalError: the connection was lost",
            )
            failed_id = failed.id
        async with sessions() as session:
            found = await run_queries.resumable_runs(
                session, triggers=[RunTrigger.SCHEDULE], since=now - timedelta(hours=1)
            )
        assert [r.id for r in found] == [failed_id]
        async with sites.fetcher(run_settings) as fetcher:
            resumed = await check_run(
                sessions, run_settings, trigger="schedule", fetcher=fetcher, resume=failed_id
            )
        assert resumed.status is RunStatus.COMPLETED
        assert resumed.resumed_from == failed_id
        assert sorted(r.url for r in resumed.results) == [site.url("/a"), site.url("/b")]
    finally:
        await engine.dispose()
