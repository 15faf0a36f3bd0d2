"""Fixtures for the API: the app on the test database with a stand-in checker, a seeded state,
and clients (anonymous and with the seeded editor's token)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from curator.domain import RunStatus
from curator.rechecks import RunExecutor
from curator.settings import Settings
from curator.store.base import utcnow
from curator.store.models import Run
from tests.api.seed import Seeded, seed
from tests.seeding import stored


@dataclass
class FakeChecker:
    """Stands in for the checker: records each run it is asked for and stores a run row."""

    calls: list[tuple[str, tuple[int, ...] | None]] = field(default_factory=list)
    called: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event | None = None

    def executor(self, client: httpx.AsyncClient) -> RunExecutor:
        """The executor the app gets, ignoring the app's HTTP client (nothing is fetched)."""
        return self.execute

    async def execute(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        trigger: str,
        resource_ids: Sequence[int] | None = None,
        stop: asyncio.Event | None = None,
    ) -> int | None:
        """Record the call; store a completed run (after `release`, when set)."""
        self.calls.append((trigger, tuple(resource_ids) if resource_ids is not None else None))
        self.called.set()
        if self.release is not None:
            await self.release.wait()
        async with sessions() as session, session.begin():
            now = utcnow()
            run = Run(
                trigger=trigger,
                status=RunStatus.COMPLETED,
                started_at=now,
                finished_at=now,
                total_urls=len(resource_ids or ()),
                checked_urls=len(resource_ids or ()),
            )
            session.add(run)
            await session.flush()
            return run.id


@pytest.fixture
def checker() -> FakeChecker:
    """The stand-in checker the app runs."""
    return FakeChecker()


@pytest.fixture
async def seeded(settings: Settings) -> Seeded:
    """The seeded state in the test database."""
    return await stored(settings.database_url, seed)


@pytest.fixture
async def app(settings: Settings, checker: FakeChecker) -> AsyncIterator[FastAPI]:
    """The app with its lifespan running; every request reads the data version anew."""
    application = create_app(settings, executor=checker.executor, freshness=0)
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
