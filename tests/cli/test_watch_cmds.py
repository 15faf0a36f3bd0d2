"""`curator watch` as operators type it: warnings printed, look-ups on demand (respx)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import respx
from typer.testing import CliRunner

from curator.catalog.load import parse_catalog
from curator.cli import app
from curator.store.engine import create_engine, session_factory
from curator.sync import sync_catalog
from tests.registration import answers

runner = CliRunner()
RDAP = "https://rdap.registry.example/"


def seed(url: str) -> None:
    catalog = {
        "guides": [
            {
                "slug": "sextortion",
                "title": "Sextortion",
                "sections": [
                    {
                        "title": "Helplines",
                        "resources": [
                            {"title": "Held Helpline", "url": "https://held.example/"},
                            {"title": "Fine Helpline", "url": "https://fine.example/"},
                        ],
                    }
                ],
            }
        ]
    }

    async def go() -> None:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                await sync_catalog(session, parse_catalog("t.yaml", catalog))
        finally:
            await engine.dispose()

    asyncio.run(go())


@pytest.fixture
def watch_env(env_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    bootstrap = tmp_path / "dns.json"
    bootstrap.write_text(json.dumps({"services": [[["example"], [RDAP]]]}))
    monkeypatch.setenv("CURATOR_RDAP_BOOTSTRAP", str(bootstrap))
    seed(env_database)
    return env_database


def test_watch_looks_up_and_prints_warnings(watch_env: str) -> None:
    nothing = runner.invoke(app, ["watch"])
    assert nothing.exit_code == 0 and "No warnings." in nothing.output
    with respx.mock(assert_all_called=False, using="httpx") as registry:
        registry.get(f"{RDAP}domain/held.example").mock(
            return_value=httpx.Response(
                200, json=answers.pir("held.example", status=("client hold",))
            )
        )
        registry.get(f"{RDAP}domain/fine.example").mock(return_value=httpx.Response(404))
        result = runner.invoke(app, ["watch", "--lookup", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["lookups"].startswith("1 of 2 registrations looked up; 1 failed")
    (held,) = document["resources"]
    assert held["title"] == "Held Helpline"
    assert [w["kind"] for w in held["warnings"]] == ["registry_hold"]
    table = runner.invoke(app, ["watch"])
    assert table.exit_code == 0
    assert "domain held.example is on registry hold (client hold)" in table.output


def test_watch_with_lookups_off_asks_nobody(
    watch_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_RDAP_LOOKUPS", "false")
    with respx.mock(assert_all_called=False, using="httpx") as registry:
        route = registry.get(url__startswith=RDAP).mock(return_value=httpx.Response(500))
        result = runner.invoke(app, ["watch", "--lookup"])
    assert result.exit_code == 0
    assert route.call_count == 0
    assert "look-ups are off" in result.output
