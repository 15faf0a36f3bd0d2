"""The test run's databases: one migrated SQLite file and one PostgreSQL database per worker,
emptied between tests (the fixtures in tests/conftest.py hand them out)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from curator.migrate import upgrade
from curator.store.engine import create_engine
from curator.store.models import Base

REPO = Path(__file__).resolve().parent.parent


SHARED = REPO.parent / "shared"


POSTGRES_ADMIN_URL = os.environ.get(
    "CURATOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


RUN_TOKEN = uuid.uuid4().hex[:8]


BACKENDS = ("sqlite", "postgresql")


def _admin_conninfo() -> str:
    url = make_url(POSTGRES_ADMIN_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(name: str) -> str:
    """Create an empty PostgreSQL database; returns its URL."""
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(name: str) -> None:
    """Drop a database this test run created, even with connections still open."""
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    async def go() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())


class TestDatabase:
    """A migrated database of this test run, emptied after each test that used it."""

    __test__ = False  # a helper, not a test class, wherever a test module imports it

    def __init__(self, backend: str, url: str, drop: str | None) -> None:
        self.backend = backend
        self.url = url
        self._drop = drop
        sync_url = make_url(url)
        if backend == "sqlite":
            self.sync_engine: Engine = create_sync_engine(sync_url.set(drivername="sqlite"))
        else:
            self.sync_engine = create_sync_engine(sync_url.set(drivername="postgresql+psycopg"))

    def clean(self) -> None:
        """Delete every row so the next test starts from an empty, migrated database."""
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with self.sync_engine.begin() as conn:
            if self.backend == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))

    def close(self) -> None:
        self.sync_engine.dispose()
        if self._drop:
            drop_postgres_database(self._drop)


def postgres_problem() -> str | None:
    """Why the test run's PostgreSQL cannot be used, as one line saying what to do; else None."""
    try:
        with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        cause = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        shown = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
        return (
            f"PostgreSQL is not reachable at {shown} ({cause}): start it "
            "(`service postgresql start`, or run `.ci/run`, which starts it) or set "
            "CURATOR_TEST_POSTGRES_URL=postgresql://user@host:port/postgres"
        )
