"""`curator serve`: migrates the database, then hands the app to uvicorn."""

from __future__ import annotations

import asyncio
import socket
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
    with socket.socket() as free:  # a port nothing listens on (8000 may be a running curator)
        free.bind(("127.0.0.1", 0))
        port = str(free.getsockname()[1])
    result = runner.invoke(app, ["serve", "--workers", "2", "--port", port])
    assert result.exit_code == 0, result.output
    ((target, options),) = served
    assert target == "api.app:app_from_environment"
    assert options["factory"] is True and options["workers"] == 2


def test_serve_says_where_the_dashboard_is_and_how_to_get_a_token(
    env_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: None)
    local = runner.invoke(app, ["serve", "--port", "8123"])
    assert local.exit_code == 0, local.output
    assert "dashboard http://127.0.0.1:8123/editor" in local.stderr
    assert "curator token create NAME" in local.stderr
    assert "CURATOR_SECRET_KEY" not in local.stderr  # the default is harmless on loopback

    public = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert public.exit_code == 0
    assert "warning: CURATOR_SECRET_KEY is the default while listening on 0.0.0.0" in (
        public.stderr
    )
    monkeypatch.setenv("CURATOR_SECRET_KEY", "a-long-random-value-for-this-test")
    secret = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert "CURATOR_SECRET_KEY" not in secret.stderr


@pytest.mark.parametrize("command", ["serve", "up"])
def test_a_port_taken_or_an_address_not_here_is_one_line_and_exit_4(
    command: str, env_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: served.append(target))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, [command, "--port", str(port)])
    assert result.exit_code == 4, result.output
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: address already in use; stop what listens "
        "there or give another --port\n"
    )
    # 192.0.2.1 is TEST-NET-1: documentation's address, never this machine's.
    elsewhere = runner.invoke(app, [command, "--host", "192.0.2.1", "--port", str(port)])
    assert elsewhere.exit_code == 4, elsewhere.output
    assert elsewhere.stderr.startswith(f"error: cannot listen on 192.0.2.1:{port}: ")
    assert elsewhere.stderr.endswith("; give another --host\n")
    assert served == []
