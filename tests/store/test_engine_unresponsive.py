"""A PostgreSQL server that accepts the connection and then says nothing (a hung server, a
half-open network path) is reported as unreachable within a bounded time, not waited on for
ever: `curator check`, `sync`, `serve` and the API's requests would hang with it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from curator.store.engine import create_engine, unreachable


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP server on loopback that accepts connections and never answers; its port."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_silent_server_is_unreachable_after_the_connect_timeout(
    silent_server: int,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/curator"
    engine = create_engine(url, connect_timeout=1)
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as caught:
            async with asyncio.timeout(10):
                async with engine.connect():
                    pass
    finally:
        await engine.dispose()
    assert time.monotonic() - started < 5
    explained = unreachable(url, caught.value)
    assert explained is not None, caught.value
    assert "timeout" in str(explained)
    assert "127.0.0.1" in str(explained)
