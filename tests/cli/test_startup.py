"""`curator --help` imports only what it shows: the database, the HTTP client, the API and the
scheduler load behind the commands that use them (bench/startup.py prints the time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.script import CURATOR

HEAVY = ("sqlalchemy", "httpx", "fastapi", "apscheduler", "alembic", "jinja2", "selectolax")

PROBE = """
import sys

import pytest

from tests.cli.script import CURATOR
from curator.cli import app
from typer.testing import CliRunner
for argv in (["--help"], ["check", "--help"], ["report", "--help"], ["--version"]):
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, (argv, result.output)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_help_loads_none_of_the_heavy_libraries() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(result.stdout.split())
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


COLLECTOR = """
import gc
from curator.cli.app import COLLECT_EVERY, freeze_loaded, own_process, pause_collection
pause_collection()
freeze_loaded()
untouched = gc.isenabled() and gc.get_freeze_count() == 0
own_process()
pause_collection()
paused = not gc.isenabled()
import sqlalchemy.orm
freeze_loaded()
print(untouched, paused, gc.isenabled(), gc.get_freeze_count() > 10_000,
      gc.get_threshold() == COLLECT_EVERY)
"""


def test_a_check_sets_its_loaded_modules_aside_only_in_its_own_process() -> None:
    # In a process of its own (the console script), the collector pauses while a check loads
    # its modules and never walks them again; invoked in another program's process (a test's
    # CliRunner), the collector is left as it is.
    result = subprocess.run(
        [sys.executable, "-c", COLLECTOR], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["True"] * 5


CONSOLE = """
import gc
import sys

import curator.cli as cli
from curator.__main__ import main

said = []
real = cli.own_process


def spy():
    said.append(gc.isenabled())
    real()
    said.extend([gc.isenabled(), gc.get_freeze_count() > 10_000])


cli.own_process = spy
sys.argv = ["curator", "--version"]
try:
    main()
except SystemExit:
    pass
print(*said)
"""


def test_the_console_script_loads_the_cli_with_the_collector_paused() -> None:
    # The CLI's own modules load without the collector walking them; once loaded, they are set
    # aside for good and the collector resumes before any command runs.
    result = subprocess.run(
        [sys.executable, "-c", CONSOLE], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split()[-3:] == ["False", "True", "True"], result.stdout + result.stderr


COMMAND_COLLECTOR = """
import gc
import importlib
import sys
from pathlib import Path

from curator.__main__ import main

app = importlib.import_module("curator.cli.app")  # the module, not its Typer app

said = []
real = app.freeze_loaded


def spy():
    said.append(gc.isenabled())
    real()
    said.append(gc.isenabled() and gc.get_freeze_count() > 10_000)


for name in ("catalog_cmds", "report_cmds"):
    importlib.import_module(f"curator.cli.{name}").freeze_loaded = spy
catalog = Path(sys.argv[2])
catalog.write_text(
    "guides:\\n  - slug: g\\n    title: G\\n    sections:\\n      - title: S\\n"
    "        resources:\\n          - title: A\\n            url: https://a.example/\\n"
)
sys.argv = ["curator", *sys.argv[3:]]
try:
    main()
except SystemExit as stop:
    said.append(stop.code in (0, None))
print(*said)
"""


@pytest.mark.parametrize(
    "command",
    [
        ["sync", "--catalog", "CATALOG"],
        ["export", "--catalog", "CATALOG"],
        ["report", "--no-archive"],
    ],
)
def test_sync_export_and_report_load_with_the_collector_paused(
    tmp_path: Path, command: list[str]
) -> None:
    # What a command loads (its modules; the catalog a sync holds) is set aside once loaded,
    # never walked again by the collector: about a quarter of a no-op sync of 10,000 resources.
    env = {**os.environ, "CURATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    catalog = str(tmp_path / "c.yaml")
    argv = [catalog if word == "CATALOG" else word for word in command]
    result = subprocess.run(
        [sys.executable, "-c", COMMAND_COLLECTOR, "", catalog, *argv],
        capture_output=True, text=True, check=False, timeout=120, env=env,
    )  # fmt: skip
    assert result.stdout.split()[-3:] == ["False", "True", "True"], result.stdout + result.stderr


def test_python_dash_m_curator_is_the_console_script() -> None:
    # Where the console script is not on PATH (a bare checkout, a container's python -m).
    result = subprocess.run(
        [sys.executable, "-m", "curator", "--version"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    script = subprocess.run(
        [str(CURATOR), "--version"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == script.returncode == 0, result.stderr
    assert result.stdout == script.stdout and "curator" in result.stdout


def test_a_thread_left_without_its_event_loop_is_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # After Ctrl-C ends a command, a database driver's thread may finish its last statement
    # and find the loop closed: nothing to report. Any other thread error is reported.
    import threading

    from curator.cli.app import quiet_after_the_loop

    def raised(error: BaseException) -> threading.ExceptHookArgs:
        try:
            raise error
        except BaseException as caught:  # noqa: BLE001 - handed to the hook as Python does
            return threading.ExceptHookArgs(
                (type(caught), caught, caught.__traceback__, threading.current_thread())
            )

    quiet_after_the_loop(raised(RuntimeError("Event loop is closed")))
    assert capsys.readouterr().err == ""
    quiet_after_the_loop(raised(RuntimeError("something else")))
    assert "RuntimeError: something else" in capsys.readouterr().err


LEAN = """
import sys
from curator.cli.app import own_process
own_process()
import httpx, curator.cli.check_cmds, curator.check.fetcher
print(sys.modules["httpx._main"] is None, "pygments" in sys.modules, callable(httpx.main))
"""


def test_the_console_script_leaves_out_httpxs_own_command_line_tool() -> None:
    # httpx imports its command-line tool (rich's syntax highlighting, pygments' lexers)
    # whenever they are installed; curator's own process never runs it, nor loads it.
    result = subprocess.run(
        [sys.executable, "-c", LEAN], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "True"]


AD_HOC = """
import os
import sys

os.environ["CURATOR_ALLOW_PRIVATE_ADDRESSES"] = "true"
os.environ["CURATOR_DATABASE_URL"] = "postgresql+asyncpg://nowhere.invalid/none"
from typer.testing import CliRunner
from curator.cli import app
result = CliRunner().invoke(app, ["check", "--format", "json", sys.argv[1]])
assert '"rule": "network_failure"' in result.output, (result.exit_code, result.output)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_an_ad_hoc_check_stores_nothing_and_loads_no_database(unused_tcp_port: int) -> None:
    # `curator check URL…` and `--links FILE` keep no result: the whole check (here of a port
    # nothing listens on) runs without the database's libraries.
    result = subprocess.run(
        [sys.executable, "-c", AD_HOC, f"http://127.0.0.1:{unused_tcp_port}/"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert {"curator", "httpx"} <= loaded
    assert not loaded & {"sqlalchemy", "alembic", "asyncpg", "aiosqlite"}, sorted(loaded)


CATALOG_CHECK = """
import http.server
import os
import sys
import threading
from pathlib import Path

os.environ["CURATOR_ALLOW_PRIVATE_ADDRESSES"] = "true"
os.environ["CURATOR_DATABASE_URL"] = sys.argv[1]
PAGE = (
    b"<html><head><title>Advice for parents</title></head><body><h1>Advice for parents</h1>"
    + b"<p>What to do next, who to call and where to find support.</p>" * 20
    + b"</body></html>"
)


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        found = self.path.startswith("/advice/")
        body = PAGE if found else b"<html><head><title>Not found</title></head></html>"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/advice"
catalog = Path(sys.argv[2])
resources = "".join(
    f"          - id: page-{i}\\n            title: TITLE\\n            url: {base}/page-{i}\\n"
    for i in range(3)
)
guide = "guides:\\n  - slug: parents\\n    title: Parents\\n    sections:\\n"
guide += "      - title: Help\\n        resources:\\n" + resources

from typer.testing import CliRunner

from curator.cli import app
from curator.store.models import Base

said = []
# New, unchanged, then changed: sync inserts, reads only, then updates.
for title in ("Advice for parents", "Advice for parents", "Advice for parents and carers"):
    catalog.write_text(guide.replace("TITLE", title))
    result = CliRunner().invoke(app, ["check", "--catalog", str(catalog), "--format", "json"])
    assert result.exit_code == 0, (result.exit_code, result.output)
    assert result.output.count('"verdict": "ok"') == 3, result.output
    said.append(any(mapper.configured for mapper in Base.registry.mappers))
said.append("curator.replacements.search" in sys.modules)
print(*said)
"""


def test_a_passing_catalog_check_never_configures_the_orm_nor_loads_the_search(
    empty_database_url: str, tmp_path: Path
) -> None:
    # A check's path (migrating, syncing, starting, storing, settling and printing its run)
    # is Core statements on the models' tables: the ORM's mapper configuration (about 20 ms
    # of every check, and more to compile ORM statements) is for the API and editors' work.
    result = subprocess.run(
        [sys.executable, "-c", CATALOG_CHECK, empty_database_url, str(tmp_path / "c.yaml")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    # …nor loads the search for where a broken link's page went: no link was broken.
    assert result.stdout.split() == ["False"] * 4


FAST_EXIT = """
import atexit
import os
import sys

os.environ["CURATOR_ALLOW_PRIVATE_ADDRESSES"] = "true"
atexit.register(lambda: sys.stderr.write("exit handlers ran\\n"))
exit_now = os._exit


def ended(code):
    os.write(2, b"ended at once\\n")
    exit_now(code)


os._exit = ended
from curator.cli import main

sys.argv = ["curator", "check", "--format", "json", sys.argv[1]]
main()
"""


def test_a_check_ends_its_own_process_without_tearing_it_down(unused_tcp_port: int) -> None:
    # Once a check has said everything (its output flushed, exit handlers run), the console
    # script's process ends at once with the check's code: Python's teardown of every module
    # and object is about 25 ms of a process about to vanish.
    result = subprocess.run(
        [sys.executable, "-c", FAST_EXIT, f"http://127.0.0.1:{unused_tcp_port}/"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # refused: not (yet) a broken link
    assert json.loads(result.stdout)["results"][0]["rule"] == "network_failure"
    assert result.stderr.split("\n")[-3:] == ["exit handlers ran", "ended at once", ""]
