"""Real `curator scheduler` processes on a PostgreSQL database of their own: one acts at a
time and a standby takes over from a killed one; SIGTERM interrupts a run, which the next
start resumes; `curator up` serves the API with checks scheduled (SQLite).

Every wait polls the database (or the API) with a bound; nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.catalog.load import parse_catalog
from curator.domain import JobStatus, RunStatus, RunTrigger
from curator.migrate import upgrade
from curator.rechecks import queue_recheck
from curator.store.engine import create_engine, session_factory
from curator.store.job_states import plan_job
from curator.store.models import Check, JobState, RecheckRequest, Resource, Run
from curator.sync import sync_catalog
from jobs import tasks
from tests.databases import RUN_TOKEN, create_postgres_database, drop_postgres_database
from tests.polling import wait_until
from tests.sites import Hang, Response, Sites, page, redirect
from tests.smtp_server import Inbox, smtp_server

pytestmark = pytest.mark.slow

CURATOR = str(Path(sys.executable).parent / "curator")
HOST = socket.gethostname()
START_WITHIN = 60.0
"""Seconds a process may take to start and act (imports, connections) on a busy machine."""


@dataclass
class Database:
    """A migrated database of this test and its session factory."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture
async def pg() -> AsyncIterator[Database]:
    name = f"curator_test_{RUN_TOKEN}_proc_{uuid.uuid4().hex[:6]}"
    url = create_postgres_database(name)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        yield Database(url, engine, session_factory(engine))
    finally:
        await engine.dispose()
        drop_postgres_database(name)


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()


class Child:
    """A `curator …` process, its output kept in a file for the failure message."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def owner(self) -> str:
        """How the checker names this process on the runs it owns."""
        return f"{HOST}:{self.pid}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    async def exit_code(self, within: float) -> int:
        try:
            async with asyncio.timeout(within):
                return await self.process.wait()
        except TimeoutError:
            raise AssertionError(f"process still running; its log:\n{self.output()}") from None

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)


@pytest.fixture
def children(tmp_path: Path) -> Iterator[list[Child]]:
    """The processes a test starts; any still running at the end is killed."""
    started: list[Child] = []
    yield started
    for child in started:
        if child.process.returncode is None:
            child.process.kill()


def environment(database_url: str, **settings: object) -> dict[str, str]:
    """The environment a child runs in: its database, loopback sites allowed, quick timings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURATOR_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DATABASE_URL=database_url,
        CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
        CURATOR_VIDEO_OEMBED="false",
        CURATOR_RETRIES="0",
        CURATOR_PER_HOST_INTERVAL="0",
        CURATOR_CONNECT_TIMEOUT="3",
        CURATOR_READ_TIMEOUT="10",
        CURATOR_URL_DEADLINE="15",
        CURATOR_SCHEDULER_LEASE_SECONDS="1.5",
        CURATOR_RECHECK_POLL_SECONDS="0.3",
        CURATOR_SHUTDOWN_GRACE_SECONDS="20",
        CURATOR_MAIL_TO="",
    )
    env.update({f"CURATOR_{k.upper()}": str(v) for k, v in settings.items()})
    return env


async def start(children: list[Child], tmp_path: Path, env: dict[str, str], *args: str) -> Child:
    log = tmp_path / f"child-{len(children)}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            CURATOR, *args, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT
        )
    child = Child(process, log)
    children.append(child)
    return child


async def load(db: Database, resources: list[dict[str, Any]], **guide: Any) -> None:
    data = {
        "guides": [
            {
                "slug": "sextortion",
                "title": "Sextortion",
                **guide,
                "sections": [{"title": "Help", "resources": resources}],
            }
        ]
    }
    async with db.sessions() as session, session.begin():
        await sync_catalog(session, parse_catalog("test.yaml", data))


async def not_due_for_a_week(db: Database) -> None:
    """Plan the cron jobs for later, so a test sees only the work it asks for."""
    later = datetime.now(UTC) + timedelta(days=7)
    async with db.sessions() as session, session.begin():
        for job_id in (tasks.FULL_CHECK, tasks.CONFIRM_CHECK):
            await plan_job(session, job_id=job_id, next_due_at=later)


async def lock_holder(db: Database) -> int | None:
    """The pid of the `curator scheduler` process holding the scheduler's advisory lock."""
    async with db.engine.connect() as conn:
        name = await conn.scalar(
            text(
                "SELECT a.application_name FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted"
                " AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"
            ),
            {"key": 0x63757261746F72},
        )
    if name is None:
        return None
    # "curator scheduler host:pid:random"
    return int(str(name).rsplit(":", 2)[-2])


async def standing_by(db: Database, child: Child) -> bool:
    """True once `child` has its own connection open but does not hold the lock."""
    async with db.engine.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :name"),
            {"name": f"curator scheduler %:{child.pid}:%"},
        )
    return bool(count) and await lock_holder(db) != child.pid


async def recheck(db: Database) -> Run:
    """Queue a recheck of the one resource and wait for a scheduler to finish it."""
    async with db.sessions() as session, session.begin():
        resource = (await session.execute(select(Resource))).scalar_one()
        request_id = (await queue_recheck(session, resource_id=resource.id, reason="report")).id

    async def finished() -> Run | None:
        async with db.sessions() as session:
            request = await session.get(RecheckRequest, request_id, populate_existing=True)
            if request is None or request.finished_at is None or request.run_id is None:
                return None
            return await session.get(Run, request.run_id)

    return await wait_until(finished, within=START_WITHIN, what="the recheck to be done")


async def test_one_scheduler_acts_and_a_standby_takes_over_when_it_is_killed(
    pg: Database, sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us any day.")})
    await load(pg, [{"title": "Helpline", "url": site.address_url("/")}])
    await not_due_for_a_week(pg)
    env = environment(pg.url)

    first = await start(children, tmp_path, env, "scheduler")
    await wait_until(
        lambda: _holds(pg, first), within=START_WITHIN, what="the first scheduler to lead"
    )
    second = await start(children, tmp_path, env, "scheduler")
    await wait_until(
        lambda: standing_by(pg, second), within=START_WITHIN, what="the second to stand by"
    )
    before = [await recheck(pg) for _ in range(3)]
    assert {r.owner for r in before} == {first.owner}, second.output()

    first.signal(signal.SIGKILL)
    assert await first.exit_code(within=10) == -signal.SIGKILL
    killed_at = datetime.now(UTC)
    await wait_until(
        lambda: _holds(pg, second), within=START_WITHIN, what="the standby to take over"
    )
    after = [await recheck(pg) for _ in range(2)]
    assert {r.owner for r in after} == {second.owner}, second.output()

    async with pg.sessions() as session:
        every = (await session.execute(select(Run).order_by(Run.id))).scalars().all()
    # Never both: the standby started nothing while the first one lived.
    assert all(r.started_at > killed_at for r in every if r.owner == second.owner)
    assert all(r.started_at < killed_at for r in every if r.owner == first.owner)
    assert {r.owner for r in every} == {first.owner, second.owner}

    second.signal(signal.SIGTERM)
    assert await second.exit_code(within=30) == 0, second.output()


async def _holds(db: Database, child: Child) -> bool:
    return await lock_holder(db) == child.pid


async def test_sigterm_interrupts_the_run_and_the_next_start_resumes_it(
    pg: Database, sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    paths = [f"/p{i}" for i in range(6)]
    routes: dict[str, Any] = {p: Response(200, page_body(p), delay=0.5) for p in paths}
    # One link moved: the refresh report after the (resumed) full run has news to send.
    routes["/p5"] = redirect("/p5-new", 301)
    routes["/p5-new"] = Response(200, page_body("/p5"), delay=0.5)
    site = await sites.add("slow.test", routes)
    await load(pg, [{"title": f"Page {p}", "url": site.address_url(p)} for p in paths])
    inbox = Inbox()
    with smtp_server(inbox) as smtp_port:
        env = environment(
            pg.url,
            concurrency=1,
            smtp_port=smtp_port,
            mail_to="editors@hub.example",
        )
        # The full check has never run: it is due at once.
        first = await start(children, tmp_path, env, "scheduler")
        run = await wait_until(
            lambda: _run_with_checks(pg), within=START_WITHIN, what="the full run's first check"
        )
        first.signal(signal.SIGTERM)
        assert await first.exit_code(within=30) == 0, first.output()

        async with pg.sessions() as session:
            stopped = await session.get(Run, run.id, populate_existing=True)
            full = await session.get(JobState, tasks.FULL_CHECK, populate_existing=True)
        assert stopped is not None and full is not None
        assert stopped.status is RunStatus.INTERRUPTED, first.output()
        assert stopped.trigger == RunTrigger.SCHEDULE
        assert 1 <= stopped.checked_urls < len(paths)
        assert full.last_status == JobStatus.INTERRUPTED
        # In-flight checks finished and were stored: every request made has its check.
        assert sum(site.hits(p) for p in paths) == stopped.checked_urls

        second = await start(children, tmp_path, env, "scheduler")
        resumed = await wait_until(
            lambda: _resumed(pg, run.id), within=START_WITHIN, what="the resumed run to finish"
        )
        assert resumed.status is RunStatus.COMPLETED, second.output()
        assert resumed.checked_urls == len(paths) - stopped.checked_urls
        assert all(site.hits(p) == 1 for p in paths)  # nothing checked twice
        await wait_until(lambda: _inbox_has(inbox), within=START_WITHIN, what="the refresh report")
        second.signal(signal.SIGTERM)
        assert await second.exit_code(within=30) == 0, second.output()

    async with pg.sessions() as session:
        runs = (await session.execute(select(Run).order_by(Run.id))).scalars().all()
    # One full check, resumed once: the restart did not start over.
    assert [(r.trigger, r.resumed_from_id) for r in runs] == [
        (RunTrigger.SCHEDULE, None),
        (RunTrigger.SCHEDULE, run.id),
    ]
    assert len(inbox.messages) == 1


async def test_sigterm_starts_no_link_that_waits_for_its_host(
    pg: Database, sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    # Many workers, one request at a time to the host: the other links are taken by workers
    # but wait for the host. SIGTERM lets the one in flight finish and asks for no other.
    paths = [f"/p{i}" for i in range(8)]
    site = await sites.add(
        "polite.test", {p: Response(200, page_body(p), delay=0.5) for p in paths}
    )
    await load(pg, [{"title": f"Page {p}", "url": site.address_url(p)} for p in paths])
    env = environment(pg.url, concurrency=16, per_host_concurrency=1)
    child = await start(children, tmp_path, env, "scheduler")
    run = await wait_until(
        lambda: _run_with_checks(pg), within=START_WITHIN, what="the full run's first check"
    )
    child.signal(signal.SIGTERM)
    assert await child.exit_code(within=30) == 0, child.output()
    async with pg.sessions() as session:
        stopped = await session.get(Run, run.id, populate_existing=True)
        full = await session.get(JobState, tasks.FULL_CHECK, populate_existing=True)
    assert stopped is not None and full is not None
    assert stopped.status is RunStatus.INTERRUPTED, child.output()
    assert stopped.checked_urls <= 3, child.output()  # the first, and what was in flight
    assert sum(site.hits(p) for p in paths) == stopped.checked_urls
    assert full.last_status == JobStatus.INTERRUPTED
    assert "Traceback" not in child.output()


def page_body(path: str) -> str:
    return f"<html><head><title>Page {path}</title></head><body>Advice {path}.</body></html>"


async def _run_with_checks(db: Database) -> Run | None:
    async with db.sessions() as session:
        run = (await session.execute(select(Run).order_by(Run.id).limit(1))).scalar_one_or_none()
        if run is None:
            return None
        checks = await session.scalar(select(func.count()).where(Check.run_id == run.id))
        return run if checks else None


async def _resumed(db: Database, run_id: int) -> Run | None:
    async with db.sessions() as session:
        run = (
            await session.execute(select(Run).where(Run.resumed_from_id == run_id))
        ).scalar_one_or_none()
    return run if run is not None and run.status is not RunStatus.RUNNING else None


async def _inbox_has(inbox: Inbox) -> bool:
    return bool(inbox.messages)


async def test_sigterm_cuts_off_a_check_that_outlasts_the_grace(
    pg: Database, sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    site = await sites.add("hang.test", {"/": Hang()})
    await load(pg, [{"title": "Hangs", "url": site.address_url("/")}])
    env = environment(pg.url, shutdown_grace_seconds=0.5, url_deadline=300, read_timeout=300)
    child = await start(children, tmp_path, env, "scheduler")
    run = await wait_until(
        lambda: _run_started(pg), within=START_WITHIN, what="the full run to start"
    )
    await wait_until(lambda: _asked(site), within=START_WITHIN, what="the request")
    child.signal(signal.SIGTERM)
    assert await child.exit_code(within=30) == 0, child.output()
    async with pg.sessions() as session:
        stopped = await session.get(Run, run.id, populate_existing=True)
    assert stopped is not None and stopped.status is RunStatus.INTERRUPTED


async def _run_started(db: Database) -> Run | None:
    async with db.sessions() as session:
        return (await session.execute(select(Run).limit(1))).scalar_one_or_none()


async def _asked(site: Any) -> bool:
    return bool(site.hits("/"))


async def test_curator_up_serves_the_api_with_checks_scheduled(
    sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us any day.")})
    url = f"sqlite:///{tmp_path / 'laptop.db'}"
    engine = create_engine(url)
    db = Database(url, engine, session_factory(engine))
    try:
        await upgrade(engine)
        await load(db, [{"title": "Helpline", "url": site.address_url("/")}])
        port = free_port()
        child = await start(
            children, tmp_path, environment(url), "up", "--host", "127.0.0.1", "--port", str(port)
        )

        async def guides() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    response = await client.get(f"http://127.0.0.1:{port}/v1/guides")
            except httpx.TransportError:
                return False
            return response.status_code == 200 and "sextortion" in response.text

        await wait_until(guides, within=START_WITHIN, what="the API to answer")

        async def completed_full_run() -> bool:
            async with db.sessions() as session:
                run = (
                    await session.execute(select(Run).where(Run.trigger == RunTrigger.SCHEDULE))
                ).scalar_one_or_none()
            return run is not None and run.status is RunStatus.COMPLETED

        await wait_until(completed_full_run, within=START_WITHIN, what="the first full check")
        child.signal(signal.SIGTERM)
        assert await child.exit_code(within=30) == 0, child.output()
    finally:
        await engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_standby_takes_over_from_a_hung_scheduler(
    pg: Database, sites: Sites, children: list[Child], tmp_path: Path
) -> None:
    site = await sites.add("helpline.test", {"/": page("Helpline", "Call us any day.")})
    await load(pg, [{"title": "Helpline", "url": site.address_url("/")}])
    await not_due_for_a_week(pg)
    env = environment(pg.url)

    first = await start(children, tmp_path, env, "scheduler")
    await wait_until(
        lambda: _holds(pg, first), within=START_WITHIN, what="the first scheduler to lead"
    )
    second = await start(children, tmp_path, env, "scheduler")
    await wait_until(
        lambda: standing_by(pg, second), within=START_WITHIN, what="the second to stand by"
    )
    # Hung, not dead: its connection stays open, but it no longer says anything on it.
    first.signal(signal.SIGSTOP)
    await wait_until(
        lambda: _holds(pg, second), within=START_WITHIN, what="the standby to take over"
    )
    assert (await recheck(pg)).owner == second.owner, second.output()
    # Woken up, the old leader finds it no longer leads and stops acting (exit 4).
    first.signal(signal.SIGCONT)
    assert await first.exit_code(within=30) == 4, first.output()
    assert (await recheck(pg)).owner == second.owner
    second.signal(signal.SIGTERM)
    assert await second.exit_code(within=30) == 0, second.output()
