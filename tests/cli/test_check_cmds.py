"""`curator check` as a newcomer or another tool runs it: one command, a verdict per resource."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from curator.cli import app
from curator.store.models import Check, LinkState, Run
from tests.polling import wait_until
from tests.sites import Response, Site, Sites, page

runner = CliRunner()


def count(database_url: str, model: type[object]) -> int:
    url = make_url(database_url)
    driver = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    engine = create_sync_engine(url.set(drivername=driver))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch, env_database: str) -> str:
    """The CLI's environment: the test database, short backoffs, no video look-ups."""
    monkeypatch.setenv("CURATOR_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("CURATOR_VIDEO_OEMBED", "false")
    monkeypatch.setenv("CURATOR_PER_HOST_INTERVAL", "0")
    return env_database


def test_shipped_catalog_offline_is_inconclusive_and_changes_nothing(
    tmp_path: Path, quick: str, shipped_catalog: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    result = runner.invoke(app, ["check", "--catalog", str(path), "--format", "json"])
    assert result.exit_code == 3, result.output
    document = json.loads(result.stdout)
    run = document["run"]
    assert run["status"] == "inconclusive"
    assert run["states_changed"] is False
    assert run["finished_at"] is not None and run["started_at"] is not None
    results = document["results"]
    assert len(results) == 9  # one per resource
    assert {r["verdict"] for r in results} == {"transient"}
    assert {r["group"] for r in results} == {"unknown"}
    for r in results:
        for key in (
            "guide",
            "resource",
            "url",
            "verdict",
            "group",
            "status_code",
            "final_url",
            "suggested_url",
            "detail",
            "elapsed_ms",
        ):
            assert key in r
    shared = [r for r in results if r["url"] == "https://www.nationalcrimeagency.gov.uk/sextortion"]
    assert len(shared) == 2 and shared[0]["check_id"] == shared[1]["check_id"]
    assert run["planned_urls"] == 8 and sum(run["counts"].values()) == 8
    # JSON on stdout: stderr says why the check stopped and what to do, in words.
    said = " ".join(result.stderr.split())
    assert "Inconclusive: all 7 sites failed before answering" in said
    assert "network looks down" in said
    assert "No resource's state was changed" in said
    assert said.endswith(
        "Check this machine's network (DNS, a proxy, a firewall) and run the check again."
    )
    assert count(quick, LinkState) == 0
    assert count(quick, Check) == 8 and count(quick, Run) == 1


CATALOG = """\
guides:
  - slug: demo
    title: Demo guide
    sections:
      - title: Links
        resources:
          - id: helpline
            title: Demo Helpline
            url: {ok}
            phone: 0345 6000 459
          - id: same-helpline
            title: Demo Helpline again
            url: {ok}
          - id: old-page
            title: Old page
            url: {missing}
  - slug: other
    title: Other guide
    sections:
      - title: Links
        resources:
          - id: elsewhere
            title: Elsewhere
            url: {elsewhere}
"""


async def invoke(*args: str) -> Result:
    # The CLI runs its own event loop: give it a thread while the test sites serve here.
    return await asyncio.to_thread(runner.invoke, app, list(args))


DEMO_VERDICTS = {"helpline": "ok", "same-helpline": "ok", "old-page": "broken", "elsewhere": "ok"}
"""The demo catalog's verdicts by resource (`demo_catalog`)."""


def demo_verdicts(stdout: str) -> dict[str, str]:
    """Each resource's verdict in `curator check --format json`'s output."""
    return {r["resource"]: r["verdict"] for r in json.loads(stdout)["results"]}


async def demo_catalog(sites: Sites) -> tuple[str, Site]:
    """CATALOG on two loopback sites (a helpline page listed twice, a page that is gone, and
    another site's page), and the helpline's site."""
    site = await sites.add(
        "demo.test",
        {"/": page("Demo Helpline", "Call 0345 6000 459 for help.")},
    )
    other = await sites.add("other.test", fallback=Response(200, "<title>Other</title>Other"))
    text = CATALOG.format(
        ok=site.address_url("/"),
        missing=site.address_url("/old"),
        elsewhere=other.address_url("/"),
    )
    return text, site


async def test_loopback_catalog_json_reports_each_resource_and_fetches_once(
    tmp_path: Path, quick: str, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    text, site = await demo_catalog(sites)
    path = tmp_path / "resources.yaml"
    path.write_text(text)
    result = await invoke("check", "--catalog", str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["run"]["status"] == "completed"
    verdicts = {(r["guide"], r["resource"]): r["verdict"] for r in document["results"]}
    assert verdicts == {
        ("demo", "helpline"): "ok",
        ("demo", "same-helpline"): "ok",
        ("demo", "old-page"): "broken",
        ("other", "elsewhere"): "ok",
    }
    broken = next(r for r in document["results"] if r["resource"] == "old-page")
    assert broken["status_code"] == 404 and broken["group"] == "broken"
    assert broken["detail"] == "The page is gone (HTTP 404 Not Found)."
    assert broken["suggestion"] is None  # nothing on the site looks like it
    # Two resources, one check of "/"; the search for where /old went reads the home page once.
    assert site.hits("/") == 2
    assert site.hits("/robots.txt") == site.hits("/sitemap.xml") == 1

    only = await invoke("check", "--catalog", str(path), "--guide", "other")
    assert only.exit_code == 0, only.output
    assert "Working (1)" in only.stdout and "other/elsewhere" in only.stdout
    assert "demo/helpline" not in only.stdout
    assert "Run 2 completed: Checked 1 address: 1 working." in only.stdout


async def test_the_first_links_are_asked_for_while_the_catalog_is_synced(
    tmp_path: Path, quick: str, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`curator check` fetches while it sets the run up (the run's head start), and the run
    then fetches nothing twice."""
    import curator.sync

    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    text, site = await demo_catalog(sites)
    path = tmp_path / "resources.yaml"
    path.write_text(text)
    sync_guides = curator.sync.sync_guides
    asked_before_sync: list[int] = []

    async def asked() -> bool:
        return bool(site.requests)

    async def sync_once_asked(*args: Any, **kwargs: Any) -> Any:
        # The sync waits (on the CLI's own loop) until the site has been asked for a page.
        await wait_until(asked, within=10, what="the site asked for a page")
        asked_before_sync.append(len(site.requests))
        return await sync_guides(*args, **kwargs)

    monkeypatch.setattr(curator.sync, "sync_guides", sync_once_asked)
    result = await invoke("check", "--catalog", str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    assert asked_before_sync and asked_before_sync[0] >= 1
    assert demo_verdicts(result.stdout) == DEMO_VERDICTS
    assert site.hits("/") == 2  # the check's, and the search's read of the home page
    assert site.hits("/old") == 1


async def test_table_groups_results_worst_first(
    tmp_path: Path, quick: str, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    site = await sites.add("demo.test", {"/": page("Demo Helpline", "Call 0345 6000 459.")})
    other = await sites.add("other.test", fallback=Response(503, "busy"))
    path = tmp_path / "resources.yaml"
    path.write_text(
        CATALOG.format(
            ok=site.address_url("/"),
            missing=site.address_url("/old"),
            elsewhere=other.address_url("/"),
        )
    )
    result = await invoke("check", "--catalog", str(path))
    assert result.exit_code == 1, result.output
    text = result.stdout
    broken, unknown, working = (
        text.index("Broken: readers cannot use these (1)"),
        text.index("Unknown: not confirmed either way (1)"),
        text.index("Working (2)"),
    )
    assert broken < unknown < working
    assert "transient" in text and "other/elsewhere" in text


def test_unknown_guide_is_refused(tmp_path: Path, quick: str, shipped_catalog: Path) -> None:
    result = runner.invoke(app, ["check", "--catalog", str(shipped_catalog), "--guide", "nope"])
    assert result.exit_code == 2
    assert "guide 'nope' is not in" in result.stderr
    assert count(quick, Run) == 0


async def test_a_catalog_given_through_a_pipe_is_read_once(
    tmp_path: Path, quick: str, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import threading

    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    text, _ = await demo_catalog(sites)
    fifo = tmp_path / "catalog.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def serve() -> None:
        # The catalog to the first reader; any later one finds the pipe empty.
        first = True
        while True:
            with fifo.open("w") as handle:
                if stop.is_set():
                    return
                if first:
                    handle.write(text)
                    first = False

    writer = threading.Thread(target=serve, daemon=True)
    writer.start()
    try:
        result = await invoke("check", "--catalog", str(fifo), "--format", "json")
    finally:
        stop.set()
        held = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer's last open return
        writer.join(5)
        os.close(held)
    assert result.exit_code == 1, result.output
    assert demo_verdicts(result.stdout) == DEMO_VERDICTS


@pytest.mark.parametrize("held_bytes", [2_000_000, 0])
async def test_a_small_catalog_file_is_read_once_a_large_one_again_a_guide_at_a_time(
    tmp_path: Path, quick: str, sites: Sites, monkeypatch: pytest.MonkeyPatch, held_bytes: int
) -> None:
    # A small file's validated guides are held through the sync; a large one is validated
    # keeping none (its memory stays flat) and read again by the sync. The run is the same.
    import importlib

    from curator.catalog import load

    cli_app = importlib.import_module("curator.cli.app")  # the module, not the Typer app

    monkeypatch.setenv("CURATOR_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setattr(cli_app, "HELD_CATALOG_BYTES", held_bytes)
    read_again: list[Path] = []
    real = load.catalog_guides

    def counted(path: Path, slugs: list[str]) -> object:
        read_again.append(path)
        return real(path, slugs)

    monkeypatch.setattr(load, "catalog_guides", counted)
    text, _ = await demo_catalog(sites)
    path = tmp_path / "resources.yaml"
    path.write_text(text)
    result = await invoke("check", "--catalog", str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    assert demo_verdicts(result.stdout) == DEMO_VERDICTS
    assert read_again == ([] if held_bytes else [path])
