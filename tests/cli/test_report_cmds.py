"""`curator report` as editors and operators type it: formats, periods, --email."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from curator.cli import app
from curator.cli.report_cmds import describe
from curator.domain import MailKind
from curator.mail import DeliveryResult, DeliveryStatus
from curator.store.engine import create_engine, session_factory
from tests.databases import TestDatabase
from tests.report.seed import BASE_URL, NOW, Seeded, seed
from tests.smtp_server import HOST, Inbox, free_port, smtp_server

runner = CliRunner()


def seed_database(url: str) -> Seeded:
    """Seed the test database from a synchronous test."""

    async def go() -> Seeded:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                return await seed(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.fixture
def seeded_env(env_database: str, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    """The CLI pointed at a seeded database, with the hub's public address."""
    monkeypatch.setenv("CURATOR_PUBLIC_BASE_URL", BASE_URL)
    # The command's clock: the seeded scene's "now".
    monkeypatch.setattr("curator.cli.report_cmds.utcnow", lambda: NOW)
    return seed_database(env_database)


@pytest.fixture
def mail_env(seeded_env: Seeded, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """SMTP settings in the environment, on a port chosen for the test; yields the port."""
    port = free_port()
    monkeypatch.setenv("CURATOR_SMTP_HOST", HOST)
    monkeypatch.setenv("CURATOR_SMTP_PORT", str(port))
    monkeypatch.setenv("CURATOR_MAIL_TO", "editor@hub.example")
    monkeypatch.setenv("CURATOR_MAIL_FROM", "curator@hub.example")
    yield port


def test_report_is_listed_in_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "  report " in result.output


def test_text_report(seeded_env: Seeded) -> None:
    result = runner.invoke(app, ["report", "--no-archive"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("curator refresh report, ")
    assert lines[1] == (
        "6 broken, 1 moved, 1 guide due for review, 2 readers' reports, 1 page changed"
    )
    assert "NEWLY BROKEN (4)" in lines and "STILL BROKEN (2)" in lines
    assert f"{BASE_URL}/v1/editor/resources/{seeded_env.resources['moved']}" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("html", "<!DOCTYPE html>"), ("markdown", "# curator refresh report, "), ("json", "{")],
)
def test_other_formats(seeded_env: Seeded, fmt: str, start: str) -> None:
    result = runner.invoke(
        app, ["report", "--no-archive", "--guide", "sextortion", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(start)
    if fmt == "json":
        data = json.loads(result.stdout)
        assert [g["slug"] for g in data["guides"]] == ["sextortion"]


def test_since_a_run_and_a_date(seeded_env: Seeded) -> None:
    run_id = seeded_env.run_ids[1]
    by_run = runner.invoke(app, ["report", "--no-archive", "--since", str(run_id)])
    assert by_run.exit_code == 0, by_run.output
    assert f"Period: since run {run_id} (4 May 2026, 03:00 UTC)." in by_run.stdout
    assert "NEWLY BROKEN (6)" in by_run.stdout
    by_date = runner.invoke(app, ["report", "--no-archive", "--since", "2026-06-10"])
    assert "Period: since 10 Jun 2026, 00:00 UTC." in by_date.stdout
    assert "NEWLY BROKEN" not in by_date.stdout and "STILL BROKEN (6)" in by_date.stdout


def test_bad_since_and_unknown_guide(seeded_env: Seeded) -> None:
    bad = runner.invoke(app, ["report", "--since", "last tuesday"])
    assert bad.exit_code == 2
    assert "neither a run id" in bad.stderr
    unknown = runner.invoke(app, ["report", "--guide", "nope"])
    assert unknown.exit_code == 2  # invalid input
    assert "no guide 'nope'" in unknown.stderr
    both = runner.invoke(app, ["report", "--email", "--format", "json"])
    assert both.exit_code == 2 and "--email always sends text and HTML" in both.stderr
    no_run = runner.invoke(app, ["report", "--since", "999"])
    assert no_run.exit_code == 2 and "no run 999" in no_run.stderr


def test_email_delivers_once(mail_env: int) -> None:
    inbox = Inbox()
    with smtp_server(inbox, port=mail_env):
        first = runner.invoke(app, ["report", "--email", "--no-archive"])
        assert first.exit_code == 0, first.output
        assert (
            "sextortion: refresh report sent to editor@hub.example, guide-editor@hub.example"
            in (first.stdout)
        )
        assert "scams: no confirmed changes yet: the one checked link works" in first.stdout
        second = runner.invoke(app, ["report", "--email", "--no-archive"])
        assert second.exit_code == 0, second.output
        assert "sextortion: refresh report already sent (refresh:sextortion:run:" in second.stdout
    (received,) = inbox.messages
    assert sorted(received.rcpt_tos) == ["editor@hub.example", "guide-editor@hub.example"]
    text = received.message.get_body(preferencelist=("plain",))
    assert text is not None and "NEWLY BROKEN (4)" in text.get_content()


def test_email_with_the_server_down_fails_loudly_then_goes_out(mail_env: int) -> None:
    down = runner.invoke(app, ["report", "--email", "--no-archive"])
    assert down.exit_code == 4
    assert "sextortion: refresh report NOT sent (attempt 1): SMTP 127.0.0.1:" in down.stderr
    assert "still owed, retried from" in down.stderr
    # Tried again with the server still down: one line for the one email owed, not a FAILED
    # line and then "waiting to be sent again" for the same email.
    again = runner.invoke(app, ["report", "--email", "--no-archive"])
    assert again.exit_code == 4
    said = [line for line in again.output.splitlines() if line.startswith("sextortion:")]
    assert len(said) == 1, again.output
    assert "refresh report NOT sent (attempt 2)" in said[0]
    assert "still owed, retried from" in said[0]
    inbox = Inbox()
    with smtp_server(inbox, port=mail_env):
        # An operator at the terminal does not wait for the backoff.
        up = runner.invoke(app, ["report", "--email", "--no-archive"])
    assert up.exit_code == 0, up.output
    said = [line for line in up.output.splitlines() if line.startswith("sextortion:")]
    assert len(said) == 1 and said[0].startswith("sextortion: refresh report sent to"), up.output
    assert len(inbox.messages) == 1


def test_email_without_recipients_says_what_to_set(
    mail_env: int, test_database: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_MAIL_TO", "")
    with test_database.sync_engine.begin() as connection:
        connection.execute(text("UPDATE guides SET editors = '[]'"))
    result = runner.invoke(app, ["report", "--email", "--no-archive"])
    assert result.exit_code == 2
    assert "sextortion: no recipients: set CURATOR_MAIL_TO or the guide's editors" in (
        result.stderr
    )
    # Nothing to say about the other guide: no email was needed, so none is missing.
    assert "scams: no confirmed changes yet" in result.stdout


def test_a_retry_is_said_as_the_dashboard_says_a_moment() -> None:
    failed = DeliveryResult(
        DeliveryStatus.FAILED,
        MailKind.REFRESH,
        "sextortion",
        attempts=1,
        error="SMTP refused",
        next_attempt_at=datetime(2026, 12, 3, 14, 2, tzinfo=UTC),
    )
    assert describe(failed) == (
        "sextortion: refresh report NOT sent (attempt 1): SMTP refused; "
        "still owed, retried from 3 Dec 2026, 14:02 UTC"
    )
