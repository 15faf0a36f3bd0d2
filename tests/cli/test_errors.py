"""Exit codes and error lines as README's table promises, from the real console script:
an environment problem is one line and exit 4, invalid input exit 2, never a raw traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.script import closed_port, curator, environment


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_sqlite_in_a_missing_folder_is_one_line_and_exit_4(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/curator.db"
    for argv in (["db", "upgrade"], ["token", "list"], ["sync"], ["db", "current"]):
        (tmp_path / "resources.yaml").write_text("guides: []\n")
        result = curator(*argv, cwd=tmp_path, env=environment(CURATOR_DATABASE_URL=url))
        assert result.returncode == 4, (argv, result.stderr)
        line = one_error_line(result.stderr)
        assert url in line and f"the folder {tmp_path}/missing does not exist" in line
        assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_an_sqlite_url_without_a_file_is_refused(tmp_path: Path, url: str) -> None:
    """An in-memory database vanishes with the command: `sync` said "Applied: 9 added" and
    `token create` printed a token, and nothing was kept."""
    (tmp_path / "resources.yaml").write_text("guides: []\n")
    for argv in (["sync"], ["token", "create", "alex"]):
        result = curator(*argv, cwd=tmp_path, env=environment(CURATOR_DATABASE_URL=url))
        assert result.returncode == 4, (argv, result.stdout)
        assert one_error_line(result.stderr) == (
            f"error: CURATOR_DATABASE_URL {url!r}: it names no file: curator keeps its data in a"
            " file (sqlite:///./curator.db, or sqlite:////var/lib/curator/curator.db)"
        )
        assert result.stdout == ""


def test_postgresql_down_is_one_line_and_exit_4(tmp_path: Path) -> None:
    port = closed_port()
    url = f"postgresql://curator:secret@127.0.0.1:{port}/curator"
    result = curator("token", "list", cwd=tmp_path, env=environment(CURATOR_DATABASE_URL=url))
    assert result.returncode == 4
    line = one_error_line(result.stderr)
    assert f"postgresql://curator:***@127.0.0.1:{port}/curator is unreachable" in line
    assert "connection refused" in line and "secret" not in line
    assert f"Start PostgreSQL on 127.0.0.1:{port}" in line


@pytest.mark.parametrize("how", ["--debug", "CURATOR_DEBUG=1"])
def test_debug_shows_the_traceback(tmp_path: Path, how: str) -> None:
    url = f"sqlite:///{tmp_path}/missing/curator.db"
    env = environment(CURATOR_DATABASE_URL=url)
    argv = ["token", "list"]
    if how == "--debug":
        argv.insert(0, "--debug")
    else:
        env["CURATOR_DEBUG"] = "1"
    result = curator(*argv, cwd=tmp_path, env=env)
    assert result.returncode == 4
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: database ")


def test_bad_settings_are_named_by_their_variable(tmp_path: Path) -> None:
    env = environment(
        CURATOR_CONCURRENCY="many",
        CURATOR_PER_HOST_INTERVAL="-1",
        CURATOR_SMTP_SECURITY="ssl",
        CURATOR_VIDEO_OEMBED="perhaps",
    )
    result = curator("validate", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: CURATOR_CONCURRENCY: must be a whole number",
        "error: CURATOR_PER_HOST_INTERVAL: must be at least 0",
        "error: CURATOR_VIDEO_OEMBED: must be true or false",
        "error: CURATOR_SMTP_SECURITY: must be one of none, starttls or tls",
    ]


def test_settings_out_of_any_sensible_range_are_bad_settings(tmp_path: Path) -> None:
    """Values an email or a timer cannot use are refused at start by the variable's name
    (`report --email` ended in "error: OverflowError: connect(): port must be 0-65535." or a
    ValueError of the SMTP client, exit 4; the scheduler in an OverflowError of its timers)."""
    env = environment(
        CURATOR_SMTP_PORT="99999",
        CURATOR_MAIL_FROM="curator at hub",
        CURATOR_PUBLIC_BASE_URL="hub.example",
        CURATOR_SCHEDULER_LEASE_SECONDS="1e300",
        CURATOR_RECHECK_POLL_SECONDS="1e30",
        CURATOR_CONFIRM_DAYS="1e10",
        CURATOR_MAX_BODY_BYTES="99999999999999999999999",
    )
    result = curator("report", "--email", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: CURATOR_MAX_BODY_BYTES: must be at most 1073741824",
        "error: CURATOR_CONFIRM_DAYS: must be at most 3650",
        "error: CURATOR_RECHECK_POLL_SECONDS: must be at most 86400",
        "error: CURATOR_SCHEDULER_LEASE_SECONDS: must be at most 86400",
        "error: CURATOR_PUBLIC_BASE_URL: not an http(s) address (e.g. https://curator.hub.example)",
        "error: CURATOR_SMTP_PORT: must be at most 65535",
        "error: CURATOR_MAIL_FROM: not an email address (curator@hub.example, or Curator "
        "<curator@hub.example>)",
    ]
    (tmp_path / "resources.yaml").write_text("guides: []\n")
    named = environment(CURATOR_MAIL_FROM="Curator <curator@localhost>")
    assert curator("validate", cwd=tmp_path, env=named).returncode == 0


def test_a_bad_choice_lists_the_choices_plainly(tmp_path: Path) -> None:
    result = curator("report", "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 2
    assert "'pdf' is not one of 'text', 'html', 'markdown', 'json'." in result.stderr
    assert "Value error" not in result.stderr


def test_names_that_do_not_exist_or_exist_already_are_invalid_input(
    tmp_path: Path, database_url: str
) -> None:
    env = environment(CURATOR_DATABASE_URL=database_url)
    cases = [
        (["report", "--guide", "nope"], "error: no guide 'nope'"),
        (["watch", "--guide", "nope"], "error: no guide 'nope'"),
        (["report", "--since", "999"], "error: no run 999"),
        (["report", "--since", "99999999999999999999"], "error: no run 99999999999999999999"),
        (["token", "revoke", "nobody"], "error: no token 'nobody'"),
    ]
    for argv, message in cases:
        result = curator(*argv, cwd=tmp_path, env=env)
        assert (result.returncode, result.stderr.strip()) == (2, message), argv
    created = curator("token", "create", "alex", cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    again = curator("token", "create", "alex", cwd=tmp_path, env=env)
    assert again.returncode == 2
    assert again.stderr.strip() == "error: a token named 'alex' exists; revoke it first"


def test_a_revision_that_does_not_exist_is_invalid_input(tmp_path: Path, database_url: str) -> None:
    env = environment(CURATOR_DATABASE_URL=database_url)
    versions = Path(__file__).parents[2] / "migrations" / "versions"
    newest = max(path.name[:4] for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))
    known = f"curator's revisions are base, 0001 to {newest}, and head"
    cases = [
        (["db", "upgrade", "nope"], "'nope': Can't locate revision identified by 'nope'"),
        (["db", "downgrade", "9999"], "'9999': Can't locate revision identified by '9999'"),
        (["db", "downgrade", "0005:0006"], "'0005:0006': Range revision not allowed"),
    ]
    for argv, problem in cases:
        result = curator(*argv, cwd=tmp_path, env=env)
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stderr.strip() == f"error: cannot migrate to revision {problem} ({known})"
    current = curator("db", "current", cwd=tmp_path, env=env)
    assert current.stdout.strip() == f"Database at {newest}; newest is {newest}."


def test_version_and_short_help(tmp_path: Path) -> None:
    version = curator("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("curator ")
    short = curator("-h", cwd=tmp_path)
    assert short.returncode == 0 and "Commands" in short.stdout
    command = curator("check", "-h", cwd=tmp_path)
    assert command.returncode == 0 and "--format" in command.stdout


@pytest.mark.parametrize("group", [(), ("db",), ("token",)], ids=["curator", "db", "token"])
def test_every_command_list_fits_an_80_column_terminal(
    tmp_path: Path, group: tuple[str, ...]
) -> None:
    # A real terminal 80 columns wide (CliRunner's listing was not cut where a terminal's is).
    shown = curator(*group, "--help", cwd=tmp_path, env=environment(COLUMNS="80"))
    assert shown.returncode == 0, shown.stderr
    listing = shown.stdout.split("Commands:")[1]
    assert "..." not in listing, listing
