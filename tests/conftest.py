"""Shared fixtures: offline sockets, one database per test run on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.migrate import upgrade
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.store.models import Base
from tests import netguard
from tests.sites import Sites

netguard.install()

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# The server the PostgreSQL tests use; each test run creates (and drops) databases of its own.
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


def _migrate(url: str) -> None:
    async def go() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())


class TestDatabase:
    """A migrated database of this test run, emptied after each test that used it."""

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


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """A command that configures logging (e.g. `curator scheduler`) must not leak into others."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def test_databases(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[dict[str, TestDatabase]]:
    """One SQLite file and one PostgreSQL database per test worker, migrated to head once."""
    databases: dict[str, TestDatabase] = {}
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'curator.db'}"
    _migrate(sqlite_url)
    databases["sqlite"] = TestDatabase("sqlite", sqlite_url, None)
    pg_name = f"curator_test_{RUN_TOKEN}_{worker_id}"
    pg_url = create_postgres_database(pg_name)
    try:
        _migrate(pg_url)
        databases["postgresql"] = TestDatabase("postgresql", pg_url, pg_name)
        yield databases
    finally:
        for database in databases.values():
            database.close()
        if "postgresql" not in databases:
            drop_postgres_database(pg_name)


@pytest.fixture(params=BACKENDS)
def test_database(
    request: pytest.FixtureRequest, test_databases: dict[str, TestDatabase]
) -> Iterator[TestDatabase]:
    """The migrated database of one backend (the test runs once per backend); emptied after."""
    database = test_databases[request.param]
    database.clean()
    yield database
    database.clean()


@pytest.fixture
def database_url(test_database: TestDatabase) -> str:
    """URL of a migrated, empty database (SQLite and PostgreSQL in turn)."""
    return test_database.url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its database, private addresses allowed, quick timeouts."""
    return Settings(
        database_url=database_url,
        catalog_path=tmp_path / "resources.yaml",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retry_backoff=0.01,
        connect_timeout=2.0,
        read_timeout=2.0,
        url_deadline=5.0,
    )


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An async engine on the test database."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database; the test owns its transactions."""
    async with session_factory(engine)() as session:
        yield session


@pytest.fixture
def env_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI (which reads the environment) at the test database."""
    monkeypatch.setenv("CURATOR_DATABASE_URL", database_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return database_url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"curator_test_{RUN_TOKEN}_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(name)
    try:
        yield url
    finally:
        drop_postgres_database(name)


@pytest.fixture
def shipped_catalog() -> Path:
    """The real resources.yaml shipped with curator."""
    return REPO / "resources.yaml"


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    """Real HTTP(S) test sites on 127.0.0.x (tests/sites.py), closed after the test."""
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()
