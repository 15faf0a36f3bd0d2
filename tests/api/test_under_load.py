"""The real API under a bounded mixed load (reads, readers' reports, editors' actions) while
two check runs go on, on one SQLite file: not one 5xx, and both runs complete.

The load lasts CURATOR_LOAD_SECONDS (12 by default; `CURATOR_LOAD_SECONDS=60` for the full
minute the README quotes).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import select

from api.app import create_app
from curator.catalog.load import parse_catalog
from curator.domain import RunStatus, RunTrigger
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.store.models import Resource, Run
from curator.sync import sync_catalog
from curator.tokens import create_token
from tests.databases import TestDatabase
from tests.running import check_run
from tests.sites import Behaviour, Request, Site, Sites, page

LOAD_SECONDS = float(os.environ.get("CURATOR_LOAD_SECONDS", "12"))
CLIENTS = 8
HOSTS = 4
PAGES = 8


@dataclass(frozen=True)
class Slow(Behaviour):
    """A working page that takes `delay` seconds to answer."""

    delay: float

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Wait, then answer."""
        await asyncio.sleep(self.delay)
        return await page(f"Page {request.path}", "help and support").respond(site, request, writer)


@dataclass
class Server:
    base_url: str
    settings: Settings


@pytest.fixture
def sqlite_database(test_databases: dict[str, TestDatabase]) -> Iterator[TestDatabase]:
    database = test_databases["sqlite"]
    database.clean()
    yield database
    database.clean()


@pytest.fixture
def load_settings(sqlite_database: TestDatabase, tmp_path: Path) -> Settings:
    return Settings(
        database_url=sqlite_database.url,
        catalog_path=tmp_path / "resources.yaml",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        retry_backoff=0.01,
        connect_timeout=5.0,
        read_timeout=5.0,
        url_deadline=10.0,
        video_oembed=False,
        replacement_search=False,
        secret_key=SecretStr("load-test-secret"),
    )


@pytest.fixture
def server(load_settings: Settings) -> Iterator[Server]:
    """The real app (its own checker, its own background rechecks) under uvicorn on loopback."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(load_settings), log_level="warning", access_log=False, lifespan="on"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{port}", load_settings)
    finally:
        uv.should_exit = True
        thread.join()
        sock.close()


async def _catalog(settings: Settings, sites: Sites) -> tuple[list[int], list[str], str]:
    resources: list[dict[str, Any]] = []
    for h in range(HOSTS):
        routes = {f"/p{i}": Slow(0.2 + 0.1 * (i % 4)) for i in range(PAGES)}
        site = await sites.add(f"host{h}.test", routes)
        resources += [
            {"id": f"h{h}-p{i}", "title": f"Host {h} page {i}", "url": site.address_url(f"/p{i}")}
            for i in range(PAGES)
        ]
    data = {
        "guides": [
            {"slug": "g", "title": "Guide", "sections": [{"title": "S", "resources": resources}]}
        ]
    }
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await sync_catalog(session, parse_catalog("load.yaml", data))
            _, token = await create_token(session, name="load-editor")
        async with session_factory(engine)() as session:
            ids = list((await session.execute(select(Resource.id))).scalars())
    finally:
        await engine.dispose()
    return ids, [r["id"] for r in resources], token


async def test_mixed_load_during_two_runs_gives_no_server_error(
    server: Server, sites: Sites
) -> None:
    ids, keys, token = await _catalog(server.settings, sites)
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    editor_headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + LOAD_SECONDS
    snooze_until = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            step = number
            while time.monotonic() < deadline:
                step += 1
                rid = ids[step % len(ids)]
                key = keys[step % len(keys)]
                choice = step % 10
                if choice == 0:
                    request = http.get("/v1/guides")
                elif choice == 1:
                    request = http.get("/v1/guides/g", params={"include": "all"})
                elif choice == 2:
                    request = http.post("/v1/reports", json={"guide": "g", "resource_id": key})
                elif choice == 3:
                    request = http.get("/v1/editor/problems", headers=editor_headers)
                elif choice == 4:
                    request = http.get("/v1/editor/runs", headers=editor_headers)
                elif choice == 5:
                    request = http.get(
                        f"/v1/editor/resources/{rid}/history", headers=editor_headers
                    )
                elif choice == 6:
                    request = http.post(
                        f"/v1/editor/resources/{rid}/recheck", headers=editor_headers
                    )
                elif choice == 7:
                    request = http.patch(
                        f"/v1/editor/resources/{rid}",
                        json={"title": f"Host page {rid} (edited {step})"},
                        headers=editor_headers,
                    )
                elif choice == 8:
                    request = http.post(
                        f"/v1/editor/resources/{rid}/snooze",
                        json={"until": snooze_until, "reason": "load test"},
                        headers=editor_headers,
                    )
                else:
                    request = http.get(f"/v1/guides/g-{step}")  # a 404
                try:
                    response = await request
                except httpx.HTTPError as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {response.request.url}: {response.text}"
                    )

    async def runs() -> tuple[RunStatus, RunStatus]:
        # The first run: another process (curator check) on the same file.
        engine = create_engine(server.settings.database_url)
        try:
            first = await check_run(session_factory(engine), server.settings, trigger="cli")
        finally:
            await engine.dispose()
        # The second: an editor's "run all now", run by the API process itself.
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            started = await http.post("/v1/editor/runs", headers=editor_headers)
            assert started.status_code == 202, started.text
            async with asyncio.timeout(LOAD_SECONDS + 120):
                while True:
                    listed = (await http.get("/v1/editor/runs", headers=editor_headers)).json()
                    ours = [r for r in listed["runs"] if r["trigger"] == RunTrigger.EDITOR]
                    if ours and ours[0]["status"] != RunStatus.RUNNING:
                        return first.status, RunStatus(ours[0]["status"])
                    await asyncio.sleep(0.2)

    load = asyncio.gather(*(client(n) for n in range(CLIENTS)))
    first, second = await runs()
    await load
    assert failures == []
    assert not [s for s in statuses if s >= 500]
    assert statuses[200] > 0 and statuses[202] > 0
    assert (first, second) == (RunStatus.COMPLETED, RunStatus.COMPLETED)
    engine = create_engine(server.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            stored = (await session.execute(select(Run))).scalars().all()
    finally:
        await engine.dispose()
    assert not [r for r in stored if r.status is RunStatus.FAILED]
    print(f"\n{LOAD_SECONDS:.0f} s of load, {CLIENTS} clients: {dict(sorted(statuses.items()))}")
