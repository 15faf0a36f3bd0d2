"""The console script as a newcomer uses it: validate, sync, export, db."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from curator.cli import app

runner = CliRunner()

FIVE_MISTAKES = """\
guides:
  - slug: sextortion
    title: Sextortion
    review_every: now and then
    sections:
      - title: Police
        resources:
          - title: Report Fraud
            url: not a url
          - title: Helpline
            url: https://a.org/
            phone: "12"
          - title: Report Fraud
            url: https://b.org/
            kind: tv
"""


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words (`("token", "create")`), nested groups included."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_every_argument_is_named_in_capitals_in_help() -> None:
    # Tried as a new user would: `curator token create --help` showed "{name}" and
    # "name <str>" where every other command shows its argument as CATALOG or URL.
    commands = _commands(typer.main.get_command(app))
    assert ("token", "create") in commands
    for words in commands:
        result = runner.invoke(app, [*words, "--help"])
        assert result.exit_code == 0, words
        usage = result.output.splitlines()[0]
        assert "{" not in usage, usage
        assert not re.search(r"\[[a-z]+\]", usage), usage
        if "Arguments:" in result.output:
            for line in result.output.split("Arguments:")[1].split("Options:")[0].splitlines():
                if line.strip() and line.startswith("  ") and not line.startswith("   "):
                    name = line.split()[0]
                    assert name.isupper(), (words, line)


def test_help_lists_every_command_with_one_line() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = [
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line
    ]
    assert sorted(commands) == sorted(
        [
            "validate",
            "sync",
            "export",
            "check",
            "import",
            "audit",
            "report",
            "scheduler",
            "up",
            "serve",
            "db",
            "token",
            "watch",
        ]
    )
    listing = result.output.split("Commands:")[1]
    assert "..." not in listing  # each command's help fits on its line, untruncated


def test_validate_shipped_catalog(shipped_catalog: Path) -> None:
    result = runner.invoke(app, ["validate", "--catalog", str(shipped_catalog)])
    assert result.exit_code == 0
    assert result.output.strip().endswith("valid: 1 guide, 9 resources.")


def test_the_catalog_file_may_be_given_by_position(shipped_catalog: Path, tmp_path: Path) -> None:
    by_position = runner.invoke(app, ["validate", str(shipped_catalog)])
    assert by_position.exit_code == 0, by_position.output
    assert by_position.output.strip() == f"{shipped_catalog}: valid: 1 guide, 9 resources."
    both = runner.invoke(app, ["validate", str(shipped_catalog), "-c", str(shipped_catalog)])
    assert both.exit_code == 0 and both.output == by_position.output
    other = tmp_path / "other.yaml"
    shutil.copy(shipped_catalog, other)
    for command in ("validate", "sync", "export"):
        two = runner.invoke(app, [command, str(shipped_catalog), "--catalog", str(other)])
        assert two.exit_code == 2
        assert f"two catalog files given: {shipped_catalog} and --catalog {other}" in two.stderr


def test_five_mistakes_exit_2_and_write_nothing(tmp_path: Path, env_database: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FIVE_MISTAKES)
    for command in ("validate", "sync"):
        result = runner.invoke(app, [command, "--catalog", str(path)])
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert [line.split(": ")[0] for line in lines[:-1]] == [
            f"{path}:4",
            f"{path}:9",
            f"{path}:12",
            f"{path}:13",
            f"{path}:15",
        ]
        assert lines[-1] == "5 problems; nothing was written."
    listed = runner.invoke(app, ["sync", "--dry-run", "--catalog", str(path)])
    assert listed.exit_code == 2


def test_sync_twice_then_export_then_sync(
    tmp_path: Path, env_database: str, shipped_catalog: Path
) -> None:
    path = tmp_path / "resources.yaml"
    shutil.copy(shipped_catalog, path)
    dry = runner.invoke(app, ["sync", "--dry-run", "--catalog", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "Would apply: 9 added" in dry.output
    first = runner.invoke(app, ["sync", "--catalog", str(path)])
    assert first.exit_code == 0, first.output
    assert "added     resource sextortion/revenge-porn-helpline" in first.output
    assert "Applied: 9 added, 0 changed, 0 retired" in first.output
    # The file by position, as a linter takes it, is the same file.
    second = runner.invoke(app, ["sync", str(path)])
    assert second.output.strip() == "No changes: 9 resources unchanged."
    exported = runner.invoke(app, ["export", str(path)])
    assert exported.exit_code == 0, exported.output
    assert "Exported 1 guide to " in exported.output
    assert exported.output.strip().endswith(": 0 resources updated, 0 added, 0 removed.")
    assert path.read_text() == shipped_catalog.read_text()
    third = runner.invoke(app, ["sync", "--catalog", str(path)])
    assert third.output.strip() == "No changes: 9 resources unchanged."


def test_db_upgrade_and_current(env_database: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "Database at revision" in result.output
    current = runner.invoke(app, ["db", "current"])
    assert current.exit_code == 0


def test_bad_database_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATOR_DATABASE_URL", "mysql://x/y")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 4
    assert "curator supports sqlite and postgresql, not mysql" in result.stderr


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"CURATOR_DATABASE_URL": "mysql://x/y"}, "CURATOR_DATABASE_URL"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        # CURATOR_DATABASE_URL wins when both are set: it is the one curator read.
        (
            {"CURATOR_DATABASE_URL": "mysql://x/y", "DATABASE_URL": "sqlite:///x.db"},
            "CURATOR_DATABASE_URL",
        ),
    ],
    ids=["curator-prefix", "bare", "both"],
)
def test_a_bad_database_url_names_the_variable_that_set_it(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str
) -> None:
    # Tried as an operator would: CURATOR_DATABASE_URL=mysql://… was answered with
    # "DATABASE_URL 'mysql://…'", a variable they never set.
    monkeypatch.delenv("CURATOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["token", "list"])
    assert result.exit_code == 4
    assert result.stderr.startswith(
        f"error: {named} 'mysql://x/y': curator supports sqlite and postgresql, not mysql"
    ), result.stderr
