"""The service's own pages: the landing page, offline API docs, HEAD, and /healthz."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from curator.domain import JobStatus
from curator.settings import Settings
from curator.store.models import JobState
from tests.cli.script import closed_port
from tests.executors import FakeExecutor


async def test_landing_page_links_the_dashboard_docs_and_guides(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = set(re.findall(r'href="([^"]+)"', page.text))
    assert {"/editor", "/docs", "/redoc", "/openapi.json", "/v1/guides", "/healthz"} <= links
    assert "curator token create NAME" in page.text


async def test_docs_and_redoc_load_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc"):
        page = await client.get(path)
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources, page.text
        assert all(s.startswith("/") for s in sources), sources
        assert "cdn" not in page.text.lower() and "fonts.googleapis" not in page.text
        for source in sources:
            asset = await client.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 1000
    assert "url: '/openapi.json'" in (await client.get("/docs")).text


async def test_head_answers_like_get_without_a_body(
    client: httpx.AsyncClient, seeded: object
) -> None:
    for path in ("/", "/v1/guides", "/healthz", "/docs", "/editor/sign-in"):
        get = await client.get(path)
        head = await client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b""
        assert head.headers.get("etag") == get.headers.get("etag")
        assert head.headers["content-type"] == get.headers["content-type"]
    assert (await client.head("/v1/nothing")).status_code == 404


async def test_healthz_reports_the_database_and_the_scheduler(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    fresh = await client.get("/healthz")
    assert fresh.status_code == 200
    body = fresh.json()
    assert body["status"] == "ok" and body["database"] == {"reachable": True}
    assert body["scheduler"]["state"] == "never ran"
    assert body["scheduler"]["last_heartbeat"] is None
    assert fresh.headers["cache-control"] == "no-store"

    now = datetime.now(UTC)
    session.add(
        JobState(
            job_id="due_sweep",
            last_started_at=now - timedelta(seconds=30),
            last_finished_at=now - timedelta(seconds=29),
            last_status=JobStatus.SUCCEEDED,
        )
    )
    await session.commit()
    running = (await client.get("/healthz")).json()["scheduler"]
    assert running["state"] == "running" and 25 <= running["seconds_ago"] <= 120

    state = await session.get(JobState, "due_sweep")
    assert state is not None
    state.last_started_at = state.last_finished_at = now - timedelta(hours=1)
    await session.commit()
    assert (await client.get("/healthz")).json()["scheduler"]["state"] == "stale"


async def test_healthz_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    down = settings.model_copy(
        update={"database_url": f"postgresql://postgres@127.0.0.1:{closed_port()}/curator"}
    )
    app = create_app(down, executor=FakeExecutor(), freshness=0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answer = await c.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable" and body["database"]["reachable"] is False
    assert "refused" in body["database"]["error"].lower()
    assert not body["database"]["error"].startswith("(psycopg")  # the cause, not the wrapper
    assert body["scheduler"]["state"] == "unknown"
    # As every other answer while the database is down: when to ask again.
    assert int(answer.headers["retry-after"]) > 0


async def test_the_api_is_503_json_a_script_can_read_when_the_database_is_unreachable(
    settings: Settings, tmp_path: Path
) -> None:
    if settings.database_url.startswith("sqlite"):
        gone = f"sqlite:///{tmp_path}/removed/curator.db"  # its folder is gone
    else:
        gone = f"postgresql://postgres@127.0.0.1:{closed_port()}/curator"
    down = settings.model_copy(update={"database_url": gone})
    app = create_app(down, executor=FakeExecutor(), freshness=0)
    origin = {"Origin": "https://hub.example"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answers = [
                await c.get("/v1/guides", headers=origin),
                await c.get("/v1/guides/sextortion", headers=origin),
                await c.post(
                    "/v1/reports",
                    json={"guide": "sextortion", "resource_id": "ceop"},
                    headers=origin,
                ),
                await c.get("/v1/editor/problems", headers={"Authorization": "Bearer cur_x"}),
            ]
    for answer in answers:
        assert answer.status_code == 503, answer.request.url
        assert answer.json() == {
            "error": "service unavailable",
            "detail": "the database is not answering: try again shortly",
        }
        assert int(answer.headers["retry-after"]) > 0
    assert all(a.headers["access-control-allow-origin"] == "*" for a in answers[:3])
    documented = app.openapi()["paths"]
    for path, method in (
        ("/v1/guides", "get"),
        ("/v1/guides/{slug}", "get"),
        ("/v1/reports", "post"),
    ):
        assert "503" in documented[path][method]["responses"], path
