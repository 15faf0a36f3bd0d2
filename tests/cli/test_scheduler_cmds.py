"""`curator scheduler` and `curator up` as a user meets them when something is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curator.cli import app

runner = CliRunner()


def test_both_commands_are_listed() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "  scheduler " in result.output and "  up " in result.output


def test_the_scheduler_refuses_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = runner.invoke(app, ["scheduler"])
    assert result.exit_code == 4
    assert "run `curator db upgrade` first" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CURATOR_FULL_CHECK_CRON", "every monday"), ("CURATOR_TIMEZONE", "Europe/Atlantis")],
    ids=["cron", "timezone"],
)
def test_a_bad_schedule_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("CURATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    monkeypatch.setenv(variable, value)
    for command in ("scheduler", "up"):
        result = runner.invoke(app, [command])
        assert result.exit_code == 2
        assert f"error: {variable}: " in result.stderr
