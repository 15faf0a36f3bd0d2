"""`curator validate` as a user runs it (the console script in its own process) on hostile files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.catalog.test_document import BILLION_LAUGHS

CURATOR = str(Path(sys.executable).with_name("curator"))


# Linux keeps a process's peak RSS across exec, and a child spawned from a test worker starts
# with the worker's pages: its peak would be the worker's. A fresh, small Python starts the
# command and reports the command's own peak.
_MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:], stdout=open(sys.argv[1] + ".out", "w"),
                           stderr=open(sys.argv[1] + ".err", "w"))
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_curator(*args: str, cwd: Path) -> tuple[int, str, str, float]:
    """Exit code, stdout, stderr and peak RSS in MB of one `curator` process."""
    env = {**os.environ, "CURATOR_DATABASE_URL": f"sqlite:///{cwd / 'unused.db'}"}
    base = cwd / "curator"
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(base), CURATOR, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak_kb = (int(word) for word in measured.stdout.split())
    return (
        code,
        Path(f"{base}.out").read_text(),
        Path(f"{base}.err").read_text(),
        peak_kb / 1024,
    )


def test_a_billion_laughs_is_one_clear_error_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)
    code, _, err, peak_mb = run_curator("validate", "--catalog", str(path), cwd=tmp_path)
    assert code == 2
    assert f"{path}:9: aliases expand to more than 100,000 values" in err
    assert "Traceback" not in err
    assert peak_mb < 300


def test_an_impossible_date_is_one_problem_among_all(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(
        "guides:\n"
        "  - slug: g\n"
        "    title: G\n"
        "    last_reviewed: 2026-13-01\n"
        "    editors: [not-an-email]\n"
        "    sections:\n"
        "      - title: S\n"
        "        resources:\n"
        "          - title: A\n"
        "            url: http://a.example:99999/\n"
    )
    code, out, err, _ = run_curator("validate", "--catalog", str(path), cwd=tmp_path)
    assert code == 2, out + err
    lines = err.strip().splitlines()
    assert lines == [
        f"{path}:4: guides[0].last_reviewed: must be a date (YYYY-MM-DD)",
        f"{path}:5: guides[0].editors[0]: not an email address (e.g. editor@example.org)",
        f"{path}:10: guides[0].sections[0].resources[0].url: "
        "not an http(s) URL (port '99999' is not a number from 1 to 65535)",
        "3 problems; nothing was written.",
    ]


def test_export_into_a_file_with_problems_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(
        "guides:\n  - slug: g\n    title: G\n    sections:\n      - title: S\n"
        "        resources:\n          - title: A\n            url: https://a.example/\n"
    )
    code, out, err, _ = run_curator("sync", "--catalog", str(path), cwd=tmp_path)
    assert code == 0, out + err
    broken = path.read_text().replace("title: A", "title: A\n            title: B")
    path.write_text(broken)
    code, out, err, _ = run_curator("export", "--catalog", str(path), cwd=tmp_path)
    assert code == 2, out + err
    assert (
        f"{path}:8: guides[0].sections[0].resources[0].title: duplicate key (first at line 7)"
        in err
    )
    assert "Traceback" not in err
    assert path.read_text() == broken


TWO_GUIDES = """\
guides:
  - slug: first
    title: First
    sections:
      - title: S
        resources:
          - {title: A, url: "https://a.example/"}
          - {title: B, url: "https://b.example/"}
  - slug: second
    title: Second
    sections:
      - title: S
        resources:
          - {title: C, url: "https://c.example/"}
      - title: T
        resources:
          - {title: D, url: "https://d.example/"}
          - {title: E, url: "https://e.example/"}
"""


def test_validate_counts_a_file_and_a_pipe_alike(tmp_path: Path) -> None:
    # A file is validated a guide at a time, keeping none; a pipe (read once) is held whole.
    path = tmp_path / "resources.yaml"
    path.write_text(TWO_GUIDES)
    code, out, err, _ = run_curator("validate", "--catalog", str(path), cwd=tmp_path)
    assert code == 0, err
    assert out.split("valid: ")[1].strip() == "2 guides, 5 resources."
    env = {**os.environ, "CURATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}
    piped = subprocess.run(
        [CURATOR, "validate", "--catalog", "/dev/stdin"],
        input=TWO_GUIDES, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.split("valid: ")[1].strip() == "2 guides, 5 resources."
