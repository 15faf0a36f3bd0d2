"""The API's bounds: request bodies capped before parsing, ids in range, the report rate
limit under concurrent connections, and reads that write nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.app import create_app
from curator.settings import Settings
from curator.store.engine import create_engine, session_factory
from curator.store.models import EditorToken, ReaderReport
from tests.api.seed import Seeded
from tests.executors import FakeExecutor


async def test_a_report_over_the_body_limit_is_refused_before_parsing(
    client: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    note = "x" * (settings.request_body_limit + 1)
    response = await client.post(
        "/v1/reports", json={"guide": "sextortion", "resource_id": "ceop", "note": note}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "request entity too large"


async def test_a_chunked_body_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"guide": "sextortion", "resource_id": "ceop", "note": "'
        while sent < 100 * settings.request_body_limit:
            sent += 16 * 1024
            yield b"x" * 16 * 1024

    before = await _reports(settings)
    response = await client.post(
        "/v1/reports", content=endless(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert sent < 2 * settings.request_body_limit  # not read to the end
    assert await _reports(settings) == before


async def _reports(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return len((await session.execute(select(ReaderReport))).all())
    finally:
        await engine.dispose()


async def test_the_body_limit_is_a_setting(settings: Settings, seeded: Seeded) -> None:
    limited = settings.model_copy(update={"request_body_limit": 1024})
    app = create_app(limited, executor=FakeExecutor())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            body = {"guide": "sextortion", "resource_id": "ceop", "note": "y" * 900}
            assert (await c.post("/v1/reports", json=body)).status_code == 202
            body["note"] = "y" * 1100
            assert (await c.post("/v1/reports", json=body)).status_code == 413


@pytest.mark.parametrize("resource_id", [2**31, 2**63, 2**64 + 1, 0], ids=str)
async def test_ids_out_of_range_are_refused_not_500(
    editor: httpx.AsyncClient, resource_id: int
) -> None:
    response = await editor.get(f"/v1/editor/resources/{resource_id}/history")
    assert response.status_code == 422
    response = await editor.post(f"/v1/editor/resources/{resource_id}/recheck")
    assert response.status_code == 422


async def test_the_rate_limit_holds_under_concurrent_connections(
    app: FastAPI, settings: Settings, seeded: Seeded
) -> None:
    async def post() -> int:
        transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            response = await c.post(
                "/v1/reports", json={"guide": "sextortion", "resource_id": "ceop"}
            )
            return response.status_code

    statuses = Counter(await asyncio.gather(*(post() for _ in range(25))))
    assert statuses == {202: settings.report_rate_limit, 429: 25 - settings.report_rate_limit}


async def test_an_editor_read_writes_nothing_but_a_throttled_last_use(
    editor: httpx.AsyncClient, settings: Settings, seeded: Seeded
) -> None:
    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)

        async def last_used() -> object:
            async with sessions() as session:
                row = (await session.execute(select(EditorToken))).scalars().one()
                return row.last_used_at

        assert (await editor.get("/v1/editor/problems")).status_code == 200
        first = await last_used()
        assert first is not None
        for _ in range(3):
            assert (await editor.get("/v1/editor/runs")).status_code == 200
        assert await last_used() == first  # within the minute: not written again
    finally:
        await engine.dispose()


async def test_an_oversized_dashboard_form_is_refused_too(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    big = {"token": "x" * (settings.request_body_limit + 10), "csrf_token": "y"}
    response = await client.post("/editor/sign-in", data=big)
    assert response.status_code == 413
    files = {"token": ("t.txt", b"x" * (settings.request_body_limit + 10))}
    response = await client.post("/editor/sign-in", files=files)
    assert response.status_code == 413
