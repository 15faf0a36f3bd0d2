"""PostgreSQL going away under `curator check` (the server stopped, the network cut): one line
naming the database and why, exit 4, never a traceback; the next check, once the database is
back, is not refused by the run the lost one left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from curator.store.models import Check
from tests.cli.script import environment, finish, start
from tests.cli.test_check_cmds import count
from tests.databases import TestDatabase
from tests.polling import wait_until
from tests.proxy import Cuttable
from tests.sites import Hang, Sites, page


@pytest.fixture
def pg(test_databases: dict[str, TestDatabase]) -> Iterator[TestDatabase]:
    database = test_databases["postgresql"]
    database.clean()
    yield database
    database.clean()


@pytest.fixture
async def proxy(pg: TestDatabase) -> AsyncIterator[Cuttable]:
    async with Cuttable(make_url(pg.url).port or 5432) as cuttable:
        yield cuttable


async def test_the_database_lost_mid_run_is_one_line_and_exit_4(
    tmp_path: Path, sites: Sites, pg: TestDatabase, proxy: Cuttable
) -> None:
    fast = await sites.add("fast.test", {"/1": page("One", "One."), "/2": page("Two", "Two.")})
    slow = await sites.add("slow.test", fallback=Hang())
    urls = [fast.address_url("/1"), fast.address_url("/2")]
    urls += [slow.address_url(f"/{n}") for n in range(3)]
    resources = "".join(
        f"          - id: r{n}\n            title: R{n}\n            url: {url}\n"
        for n, url in enumerate(urls)
    )
    path = tmp_path / "resources.yaml"
    path.write_text(
        "guides:\n  - slug: demo\n    title: Demo\n    sections:\n"
        f"      - title: Links\n        resources:\n{resources}"
    )
    env = environment(
        CURATOR_DATABASE_URL=make_url(pg.url)
        .set(port=proxy.port)
        .render_as_string(hide_password=False),
        CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
        CURATOR_PER_HOST_INTERVAL="0",
        CURATOR_PER_HOST_CONCURRENCY="8",
        CURATOR_VIDEO_OEMBED="false",
        CURATOR_REPLACEMENT_SEARCH="false",
        CURATOR_RETRIES="0",
        # The run learns of the loss at its next write: when a hanging page gives up.
        CURATOR_READ_TIMEOUT="2",
        CURATOR_URL_DEADLINE="3",
    )
    process = await start("check", "--catalog", str(path), cwd=tmp_path, env=env)

    async def two_stored() -> bool:
        return await asyncio.to_thread(count, pg.url, Check) == 2

    await wait_until(two_stored, within=60, what="the two quick checks to be stored")
    proxy.cut()
    result = await finish(process, within=60)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 2, result.stderr  # the error, and how to see the traceback
    assert lines[0].startswith("error: database postgresql"), result.stderr
    assert "is unreachable" in lines[0] and f":{proxy.port}/" in lines[0]

    # Back again: the next check is not refused by the run the lost one left `running`.
    proxy.restore()
    slow.fallback = page("Slow", "Slow.")
    again = await finish(
        await start("check", "--catalog", str(path), cwd=tmp_path, env=env), within=60
    )
    assert again.returncode in (0, 1), again.stderr  # a verdict, not "already running"
    assert again.stdout.splitlines()[-1].startswith("Run 2 completed"), again.stdout
