"""Shared fixtures: offline sockets, one database per test run on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from tests import netguard
from tests.databases import (
    BACKENDS,
    REPO,
    RUN_TOKEN,
    TestDatabase,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_problem,
)
from tests.sites import Sites

netguard.install()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Without PostgreSQL, stop at once with one line saying what to do (not a test's error)."""
    if hasattr(session.config, "workerinput"):
        return  # the controller checked already
    problem = postgres_problem()
    if problem is not None:
        pytest.exit(problem, returncode=4)


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
    migrate(sqlite_url)
    databases["sqlite"] = TestDatabase("sqlite", sqlite_url, None)
    pg_name = f"curator_test_{RUN_TOKEN}_{worker_id}"
    pg_url = create_postgres_database(pg_name)
    try:
        migrate(pg_url)
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


@pytest.fixture
def fetch_settings(tmp_path: Path) -> Settings:
    """Checker settings for network tests without a database: private addresses allowed, no
    retries, short limits (the checker's and the replacement search's tests)."""
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        retry_backoff=0.01,
        connect_timeout=2.0,
        read_timeout=2.0,
        url_deadline=5.0,
        max_body_bytes=256 * 1024,
    )
