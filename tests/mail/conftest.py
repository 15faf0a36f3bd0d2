"""Fixtures of the mail tests: the seeded database, a real SMTP server on 127.0.0.1, an archive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.store.engine import session_factory
from tests.mail.kit import Sessions
from tests.report.fakes import FakeArchive
from tests.report.seed import Seeded, seed
from tests.smtp_server import Inbox, smtp_server


@pytest.fixture
async def seeded(session: AsyncSession) -> Seeded:
    """The database with every verdict (tests/report/seed.py)."""
    return await seed(session)


@pytest.fixture
def sessions(engine: AsyncEngine) -> Sessions:
    """A session factory on the test database, as the scheduler passes it."""
    return session_factory(engine)


@pytest.fixture
def archive() -> FakeArchive:
    """An archive with a copy of one page."""
    return FakeArchive()


@pytest.fixture
def inbox() -> Inbox:
    """What the SMTP server receives."""
    return Inbox()


@pytest.fixture
def smtp(inbox: Inbox) -> Iterator[int]:
    """A plain SMTP server on 127.0.0.1; yields its port."""
    with smtp_server(inbox) as port:
        yield port
