"""SQLite under several writers: write transactions take the lock first and wait for it, so
none fails as "database is locked"; readers never wait for a writer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.store import engine as engine_module
from curator.store.engine import create_engine, session_factory


@pytest.fixture
async def engines(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one SQLite file, as the API and the scheduler have."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = create_engine(url), create_engine(url)
    async with first.begin() as conn:
        await conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await conn.execute(text("INSERT INTO counter VALUES (1, 0)"))
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


async def _increment(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session, session.begin():
        n = (await session.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one()
        await asyncio.sleep(0.001)  # another writer gets every chance to come between
        await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})


async def test_read_then_write_transactions_are_atomic_across_processes(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = engines
    await asyncio.gather(*(_increment(first if i % 2 else second) for i in range(40)))
    async with first.connect() as conn:
        assert (await conn.execute(text("SELECT n FROM counter"))).scalar_one() == 40


async def test_a_writer_waits_out_a_lock_held_past_the_busy_timeout(
    engines: tuple[AsyncEngine, AsyncEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = engines
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(engine_module, "LOCK_RETRIES", (0.1, 0.3, 0.6))
    await second.dispose()  # new connections read the short timeout
    holding = asyncio.Event()

    async def hold() -> None:
        async with session_factory(first)() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 100"))
            holding.set()
            await asyncio.sleep(0.5)  # five busy timeouts

    holder = asyncio.create_task(hold())
    await holding.wait()
    await _increment(second)
    await holder
    async with first.connect() as conn:
        assert (await conn.execute(text("SELECT n FROM counter"))).scalar_one() == 101


async def test_readers_do_not_wait_for_a_writer(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = engines
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold() -> None:
        async with session_factory(first)() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = 7"))
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    async with session_factory(second)() as session:
        async with asyncio.timeout(2):
            seen = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
    assert seen == 0  # the committed value; the writer's change is not visible yet
    release.set()
    await holder


async def test_sqlite_hands_out_the_connection_its_last_writer_used(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    """The last writer's connection keeps its page cache (SQLite drops a connection's cache
    when another one has committed since): it is the one handed out next."""
    sessions = session_factory(engines[0])

    async def connection_of(session: Any) -> Any:
        return (await session.connection()).sync_connection.connection.dbapi_connection

    async with sessions() as writer:
        async with writer.begin():
            written = await connection_of(writer)
            async with sessions() as reader:
                read = await connection_of(reader)
                await reader.execute(text("SELECT n FROM counter"))
            await writer.execute(text("UPDATE counter SET n = n + 1"))
    assert read is not written
    async with sessions() as session:
        assert await connection_of(session) is written


async def test_sqlite_logs_ahead_and_syncs_at_checkpoints(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    # WAL (readers never wait for a writer) with synchronous=NORMAL (1): a commit is not an
    # fsync of its own; a killed process still loses nothing committed.
    first, _ = engines
    async with first.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar_one() == 1
