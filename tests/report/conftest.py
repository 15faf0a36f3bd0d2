"""Fixtures of the report and mail tests: the seeded database, sessions, an archive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from curator.archive import ArchivedCopy
from curator.settings import Settings
from curator.store.engine import session_factory
from tests.report.seed import BASE_URL, Seeded, seed

ARCHIVED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


class FakeArchive:
    """Has a copy of the Cleveland Police page only; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, datetime | None]] = []

    async def lookup(self, url: str, *, near: datetime | None = None) -> ArchivedCopy | None:
        """A snapshot for gone.example, None for anything else."""
        self.asked.append((url, near))
        if "gone.example" in url:
            return ArchivedCopy(f"https://web.archive.org/web/20260115120000/{url}", ARCHIVED_AT)
        return None


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
