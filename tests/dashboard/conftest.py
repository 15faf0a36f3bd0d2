"""Fixtures for the dashboard: the app on the test database, a signed-in client, a browser."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright
from pydantic import SecretStr

from curator.settings import Settings
from tests.dashboard.app import (
    ARTIFACTS,
    CHROMIUM,
    LiveServer,
    create_test_app,
    sign_in,
)
from tests.dashboard.seed import Seeded, seed
from tests.databases import TestDatabase
from tests.seeding import stored


@pytest.fixture
def dashboard_settings(settings: Settings) -> Settings:
    """The test settings with a known cookie-signing key."""
    return settings.model_copy(update={"secret_key": SecretStr("dashboard-test-secret")})


@pytest.fixture
async def seeded(dashboard_settings: Settings) -> Seeded:
    """The seeded state in the test database."""
    return await stored(dashboard_settings.database_url, seed)


@pytest.fixture
async def client(dashboard_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (lifespan run), not signed in."""
    app = create_test_app(dashboard_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def editor(client: httpx.AsyncClient, seeded: Seeded) -> httpx.AsyncClient:
    """The client, signed in as the seeded editor."""
    response = await sign_in(client, seeded.token)
    assert response.status_code == 200
    return client


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture
def live_server(test_databases: dict[str, TestDatabase], tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn on 127.0.0.1 (a free port) in a thread; SQLite is enough for browser tests."""
    database = test_databases["sqlite"]
    database.clean()
    settings = Settings(
        database_url=database.url,
        catalog_path=tmp_path / "resources.yaml",
        allow_private_addresses=True,
        secret_key=SecretStr("dashboard-browser-secret"),
    )
    seeded = asyncio.run(stored(database.url, seed))
    # A socket already listening: the browser's first request waits in its backlog until
    # uvicorn has run the lifespan and accepts, so nothing has to poll for readiness.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_test_app(settings), log_level="warning", access_log=False, ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", seeded, database)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
        database.clean()


@pytest.fixture
def browser_page(live_server: LiveServer) -> Iterator[Page]:
    """A fresh Chromium page (Debian's /usr/bin/chromium, headless) at a desktop size."""
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's Chromium is missing: `make browser` installs it (as root)")
        pytest.skip(
            "browser test skipped: Debian's Chromium is missing (`make browser` as root "
            "installs it)"
        )
    ARTIFACTS.mkdir(exist_ok=True)  # screenshots land here (git-ignored)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            context.close()
        finally:
            browser.close()
