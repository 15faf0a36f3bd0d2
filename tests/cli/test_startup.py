"""`curator --help` imports only what it shows: the database, the HTTP client, the API and the
scheduler load behind the commands that use them (bench/startup.py prints the time)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "httpx", "fastapi", "apscheduler", "alembic", "jinja2", "selectolax")

PROBE = """
import sys
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
