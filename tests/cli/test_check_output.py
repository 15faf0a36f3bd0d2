"""`curator check`'s output where CI reads it (not a terminal), from the real console script:
nothing cut, Markdown, JUnit, --quiet, one summary for an inconclusive run, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from curator.cli import app
from curator.cli.check_output import Row, markdown_line, plain_line
from curator.domain import Verdict
from curator.labels import verdict_label
from curator.store.models import Check, LinkState, Run
from tests.cli.script import curator_async, environment, finish, start
from tests.cli.test_check_cmds import count
from tests.polling import wait_until
from tests.sites import Hang, Sites, page

LONG_PATH = "/a/very/long/path/that/no/eighty/column/table/would/show/whole/" + "x" * 60

CATALOG = """\
guides:
  - slug: demo
    title: Demo guide
    sections:
      - title: Links
        resources:
{resources}
"""


def catalog(path: Path, urls: dict[str, str]) -> Path:
    resources = "".join(
        f"          - id: {key}\n            title: {key.title()}\n            url: {url}\n"
        for key, url in urls.items()
    )
    path.write_text(CATALOG.format(resources=resources))
    return path


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return environment(
        CURATOR_DATABASE_URL=database_url,
        CURATOR_ALLOW_PRIVATE_ADDRESSES="true",
        CURATOR_RETRY_BACKOFF="0.01",
        CURATOR_PER_HOST_INTERVAL="0",
        CURATOR_VIDEO_OEMBED="false",
        CURATOR_REPLACEMENT_SEARCH="false",
    )


async def three_results(tmp_path: Path, sites: Sites) -> Path:
    site = await sites.add("demo.test", {"/": page("Demo", "Demo home.")})
    return catalog(
        tmp_path / "resources.yaml",
        {"home": site.address_url("/"), "gone": site.address_url(LONG_PATH)},
    )


async def test_not_on_a_terminal_one_line_per_result_nothing_cut(
    tmp_path: Path, sites: Sites, env: dict[str, str]
) -> None:
    path = await three_results(tmp_path, sites)
    result = await curator_async("check", "--catalog", str(path), cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    gone = next(line for line in lines if line.startswith("broken"))
    assert LONG_PATH in gone and "demo/gone" in gone and "HTTP 404" in gone
    assert "Broken: readers cannot use these (1)" in lines
    assert "Working (1)" in lines
    assert lines[-1].startswith("Run ") and "completed" in lines[-1]
    assert "─" not in result.stdout  # no table borders in a log

    quiet = await curator_async("check", "--quiet", "--catalog", str(path), cwd=tmp_path, env=env)
    assert quiet.returncode == 1
    assert "Working" not in quiet.stdout and "demo/home" not in quiet.stdout
    assert quiet.stdout.splitlines() == ["Broken: readers cannot use these (1)", gone]


async def test_markdown_and_junit(tmp_path: Path, sites: Sites, env: dict[str, str]) -> None:
    path = await three_results(tmp_path, sites)
    md = await curator_async(
        "check", "--format", "markdown", "--catalog", str(path), cwd=tmp_path, env=env
    )
    assert md.returncode == 1, md.stderr
    assert "## Broken: readers cannot use these (1)" in md.stdout
    assert "| verdict | resource | address | detail |" in md.stdout
    assert "| broken | demo/gone | <http://" in md.stdout and LONG_PATH in md.stdout

    xml = await curator_async(
        "check", "--format", "junit", "--catalog", str(path), cwd=tmp_path, env=env
    )
    assert xml.returncode == 1, xml.stderr
    root = ElementTree.fromstring(xml.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("2", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "demo"
    failures = suite.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["broken"]
    assert "HTTP 404" in (failures[0].get("message") or "")


def test_an_inconclusive_run_prints_one_summary(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, shipped_catalog: Path
) -> None:
    # In process: only here are outside names unresolvable (no DNS query leaves a test).
    for name, value in environment(CURATOR_DATABASE_URL=database_url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CURATOR_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("CURATOR_VIDEO_OEMBED", "false")
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    for fmt in ("table", "markdown"):
        result = CliRunner().invoke(app, ["check", "-f", fmt, "--catalog", str(path)])
        assert result.exit_code == 3, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 1 and " inconclusive: " in lines[0], result.stdout
        assert "network looks down" in lines[0]
        # stderr says what to do, not the summary stdout has just said.
        assert result.stderr.splitlines()[-1] == (
            "Check this machine's network (DNS, a proxy, a firewall) and run the check again."
        )
        assert "Inconclusive" not in result.stderr


@pytest.mark.parametrize(
    ("sent", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
    ids=["ctrl-c", "sigterm"],
)
async def test_ctrl_c_or_sigterm_stops_the_run_and_changes_nothing(
    tmp_path: Path,
    sites: Sites,
    env: dict[str, str],
    database_url: str,
    sent: signal.Signals,
    code: int,
) -> None:
    # SIGTERM is how a CI runner, systemd or `timeout` stop a job: the run is recorded as
    # interrupted at once (not left `running` for the next start to find), as for Ctrl-C.
    fast = await sites.add("fast.test", {"/1": page("One", "One."), "/2": page("Two", "Two.")})
    slow = await sites.add("slow.test", fallback=Hang())
    urls = {"one": fast.address_url("/1"), "two": fast.address_url("/2")}
    urls |= {f"slow{n}": slow.address_url(f"/{n}") for n in range(7)}
    path = catalog(tmp_path / "resources.yaml", urls)
    env["CURATOR_PER_HOST_CONCURRENCY"] = "8"
    process = await start("check", "--catalog", str(path), cwd=tmp_path, env=env)

    async def two_stored() -> bool:
        return await asyncio.to_thread(count, database_url, Check) == 2

    await wait_until(two_stored, within=60, what="the two quick checks to be stored")
    await asyncio.sleep(0.2)
    process.send_signal(sent)
    result = await finish(process, within=60)
    assert result.returncode == code, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Interrupted after 2 of 9 addresses; nothing changed."
    )
    assert "Traceback" not in result.stderr and "CancelledError" not in result.stderr
    assert count(database_url, LinkState) == 0
    url = make_url(database_url)
    driver = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    engine = create_engine(url.set(drivername=driver))
    try:
        with engine.connect() as conn:
            status, summary = conn.execute(select(Run.status, Run.summary)).one()
    finally:
        engine.dispose()
    assert status == "interrupted"
    assert summary == "Interrupted after 2 of 9 addresses; nothing changed."


async def test_a_private_address_is_named_with_its_setting(
    tmp_path: Path, sites: Sites, env: dict[str, str]
) -> None:
    site = await sites.add("demo.test", {"/": page("Demo", "Demo home.")})
    path = catalog(tmp_path / "resources.yaml", {"home": site.address_url("/")})
    del env["CURATOR_ALLOW_PRIVATE_ADDRESSES"]
    result = await curator_async(
        "check", "-f", "json", "--catalog", str(path), cwd=tmp_path, env=env
    )
    assert result.returncode == 1, result.stderr
    (only,) = json.loads(result.stdout)["results"]
    assert only["verdict"] == "broken"
    assert "private or local network address" in only["detail"]
    assert "CURATOR_ALLOW_PRIVATE_ADDRESSES" in only["detail"]
    assert "taken over" not in only["detail"]
    assert site.hits("/") == 0


@pytest.mark.parametrize("verdict", list(Verdict))
def test_markdown_words_each_verdict_as_the_table_does(verdict: Verdict) -> None:
    # Markdown is read by people (a pull request's comment, a job's summary): the verdict in
    # the one vocabulary; the plain listing keeps the value, one word to grep for.
    row = Row(verdict, "demo/a", "A", "https://a.example/", "What the check saw.")
    cells = markdown_line(row).split(" | ")
    assert cells[0] == f"| {verdict_label(verdict)}"
    assert plain_line(row).split()[0] == verdict.value
