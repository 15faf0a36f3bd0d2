"""A `curator check` killed with SIGKILL mid-run keeps the checks it completed.

The run's deep links share a host that is polite (two requests at a time) and two of them
never answer: before, each deep link's check waited for the host's soft-404 probe, which
queued behind the hanging links, so a kill lost every check. Now the probe goes first and a
check is stored within a batch of completing; the test waits (bounded) for the checks of the
pages served to appear in the database while the run is still going, then kills the process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from curator.domain import RunStatus, Verdict
from curator.store.engine import create_engine, session_factory
from curator.store.models import Check, Run
from tests.polling import wait_until
from tests.sites import Hang, Sites, page

pytestmark = pytest.mark.slow

CURATOR = str(Path(sys.executable).parent / "curator")
FAST = ("/a", "/b", "/c", "/d")


def catalog(urls: list[str]) -> str:
    entries = "".join(
        f"          - id: page-{i}\n            title: Page {i}\n            url: {url}\n"
        for i, url in enumerate(urls)
    )
    return (
        "guides:\n  - slug: crash\n    title: Crash\n    sections:\n"
        f"      - title: Help\n        resources:\n{entries}"
    )


def environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURATOR_")}
    env.pop("DATABASE_URL", None)
    env.update(
        CURATOR_DATABASE_URL=database_url,
        CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
        CURATOR_VIDEO_OEMBED="false",
        CURATOR_RETRIES="0",
        CURATOR_PER_HOST_CONCURRENCY="2",
        CURATOR_PER_HOST_INTERVAL="0",
        CURATOR_URL_DEADLINE="120",
        CURATOR_READ_TIMEOUT="120",
    )
    return env


async def test_sigkill_mid_run_keeps_the_completed_checks(tmp_path: Path, sites: Sites) -> None:
    site = await sites.add(
        "polite.test",
        {path: page(f"Page {path[1:]}", f"Advice {path[1:]}.") for path in FAST}
        | {"/hang-1": Hang(), "/hang-2": Hang()},
    )
    # The hanging links come early: they hold the host's two slots while the others queue.
    order = ["/a", "/hang-1", "/b", "/hang-2", "/c", "/d"]
    urls = [site.address_url(p) for p in order]
    path = tmp_path / "resources.yaml"
    path.write_text(catalog(urls), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'curator.db'}"
    log = tmp_path / "check.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            CURATOR,
            "check",
            "--catalog",
            str(path),
            "--format",
            "json",
            env=environment(database_url),
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:

        def served() -> set[str]:
            return {site.address_url(p) for p in FAST if site.hits(p)}

        async def stuck() -> bool:
            return site.hits("/hang-1") > 0 and site.hits("/hang-2") > 0

        async def stored() -> bool:
            try:
                async with sessions() as session:
                    rows = (await session.execute(select(Check.url))).scalars().all()
            except Exception:  # the run has not created its tables yet
                return False
            return set(rows) == served()

        await wait_until(stuck, within=60, what="both hanging pages asked for")
        assert served(), "no page was served before the host's slots hung"
        await wait_until(stored, within=10, what="the served pages' checks stored")
        assert process.returncode is None, log.read_text(errors="replace")
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -signal.SIGKILL

        async with sessions() as session:
            checks = (await session.execute(select(Check))).scalars().all()
            runs = (await session.execute(select(Run))).scalars().all()
        assert {c.url for c in checks} == served()
        assert {c.verdict for c in checks} == {Verdict.OK}
        assert [(r.status, r.checked_urls, r.total_urls) for r in runs] == [
            (RunStatus.RUNNING, len(checks), len(urls))
        ]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await engine.dispose()
