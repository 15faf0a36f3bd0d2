"""Fixtures for the API: the app on the test database with a stand-in checker, a seeded state,
and clients (anonymous and with the seeded editor's token)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from curator.settings import Settings
from tests.api.seed import Seeded, seed
from tests.executors import FakeExecutor
from tests.seeding import stored


@pytest.fixture
def checker() -> FakeExecutor:
    """The stand-in for the checker's runs that the app executes."""
    return FakeExecutor()


@pytest.fixture
async def seeded(settings: Settings) -> Seeded:
    """The seeded state in the test database."""
    return await stored(settings.database_url, seed)


@pytest.fixture
async def app(settings: Settings, checker: FakeExecutor) -> AsyncIterator[FastAPI]:
    """The app with its lifespan running; every request reads the data version anew."""
    application = create_app(settings, executor=checker, freshness=0)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def editor(app: FastAPI, seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    """A client sending the seeded editor's token."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 40000))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {seeded.token}"},
    ) as c:
        yield c
