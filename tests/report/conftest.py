"""Fixtures of the report and mail tests: the seeded database, sessions, an archive."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.settings import Settings
from curator.store.engine import session_factory
from tests.report.fakes import FakeArchive
from tests.report.seed import BASE_URL, Seeded, seed


@pytest.fixture
def archive() -> FakeArchive:
    """The test archive."""
    return FakeArchive()


@pytest.fixture
async def seeded(session: AsyncSession) -> Seeded:
    """The database with every verdict (see seed.py)."""
    return await seed(session)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory on the test database, as the scheduler would pass it."""
    return session_factory(engine)


@pytest.fixture
def report_settings(settings: Settings) -> Settings:
    """Settings with the public address the report's links point at."""
    return settings.model_copy(
        update={"public_base_url": BASE_URL, "mail_to": "editor@hub.example, chief@hub.example"}
    )
