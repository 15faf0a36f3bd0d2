"""`curator serve`: migrates the database, then hands the app to uvicorn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from curator.cli import app
from curator.migrate import current_revision, head_revision
from curator.store.engine import create_engine

runner = CliRunner()


def test_serve_migrates_then_runs_the_app(
    env_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: served.append((target, kw)))
    result = runner.invoke(app, ["serve", "--host", "127.0.0.2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    ((target, options),) = served
    assert isinstance(target, FastAPI)
    assert target.openapi()["info"]["title"] == "curator"
    assert (options["host"], options["port"]) == ("127.0.0.2", 8123)

    async def revision() -> str | None:
        engine = create_engine(env_database)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    assert asyncio.run(revision()) == head_revision()


def test_serve_with_workers_uses_the_factory(
    env_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: served.append((target, kw)))
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    ((target, options),) = served
    assert target == "api.app:app_from_environment"
    assert options["factory"] is True and options["workers"] == 2
