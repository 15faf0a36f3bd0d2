"""The service's own pages: a landing page at `/`, `/healthz` for uptime monitors and compose
health checks, and the API docs (Swagger UI at `/docs`, ReDoc at `/redoc`) served with their
assets from the app itself (the fastapi-offline package ships them), so they work offline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from api.errors import DATABASE_RETRY_AFTER
from curator import __version__
from curator.store.engine import unreachable
from curator.store.job_states import last_heartbeat

router = APIRouter(include_in_schema=False)

ASSETS = "/docs/assets"
HEALTH_TIMEOUT = 5.0
STALE_AFTER_SECONDS = 180
"""The scheduler's due sweep runs every minute: three missed ones mean it is not running."""

LANDING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>curator</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
line-height:1.5}}code{{background:#f3f3f3;padding:0 .2em}}</style></head>
<body>
<h1>curator {version}</h1>
<p>Keeps the hub's curated resource lists honest: checks every link on a schedule and serves
the validated lists as JSON.</p>
<ul>
<li><a href="{base}/editor">Editors' dashboard</a> (sign in with a token from
<code>curator token create NAME</code>)</li>
<li><a href="{base}/docs">API documentation</a> (<a href="{base}/redoc">ReDoc</a>,
<a href="{base}/openapi.json">OpenAPI JSON</a>)</li>
<li><a href="{base}/v1/guides">The guides' resource lists (JSON)</a></li>
<li><a href="{base}/healthz">Health</a></li>
</ul>
</body>
</html>
"""


def assets_folder() -> Path:
    """Swagger UI's and ReDoc's files, as the fastapi-offline package ships them."""
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """`/docs`, `/redoc` and their assets, none of them from a CDN."""
    app.mount(ASSETS, StaticFiles(directory=assets_folder()), name="docs_assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title="curator API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title="curator API",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )


@router.get("/")
async def landing(request: Request) -> HTMLResponse:
    """A small page linking the dashboard, the API docs and the guides' JSON."""
    base = escape(request.scope.get("root_path", ""))
    return HTMLResponse(LANDING.format(version=escape(__version__), base=base))


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers (503 when not), with the scheduler's last heartbeat."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {"status": "ok", "version": __version__}
    heartbeat: datetime | None = None
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):
            async with request.app.state.sessions() as session:
                await session.execute(text("SELECT 1"))
                heartbeat = await last_heartbeat(session)
        body["database"] = {"reachable": True}
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable now
        explained = unreachable(request.app.state.settings.database_url, exc)
        reason = (
            explained.cause
            if explained is not None
            else next((line for line in str(exc).splitlines() if line.strip()), "")
        )
        body["status"] = "unavailable"
        body["database"] = {"reachable": False, "error": reason or type(exc).__name__}
    age = (now - heartbeat).total_seconds() if heartbeat is not None else None
    body["scheduler"] = {
        "last_heartbeat": heartbeat.isoformat() if heartbeat is not None else None,
        "seconds_ago": round(age) if age is not None else None,
        "state": (
            "unknown"
            if not body["database"]["reachable"]
            else "never ran"
            if age is None
            else "running"
            if age <= STALE_AFTER_SECONDS
            else "stale"
        ),
    }
    headers = {"Cache-Control": "no-store"}
    if not body["database"]["reachable"]:
        headers["Retry-After"] = str(DATABASE_RETRY_AFTER)  # as every answer while it is down
    status = 200 if body["database"]["reachable"] else 503
    return JSONResponse(body, status_code=status, headers=headers)
