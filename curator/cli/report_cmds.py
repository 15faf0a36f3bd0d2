"""`curator report`: the refresh report on stdout, or emailed to the editors."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from curator.cli.app import (
    EXIT_ERROR,
    EXIT_INVALID,
    app,
    err,
    freeze_loaded,
    migrated_engine,
    out,
    pause_collection,
    run,
    settings,
)

if TYPE_CHECKING:  # the report, the mail and the archive load when a command runs
    from curator.archive import ArchiveLookup
    from curator.mail import DeliveryResult
    from curator.report.model import Since
    from curator.settings import Settings


class Format(StrEnum):
    """The formats `curator report --format` offers (curator.report.render.Format's values)."""

    TEXT = "text"
    HTML = "html"
    MARKDOWN = "markdown"
    JSON = "json"


def utcnow() -> datetime:
    """Now, in UTC (the report's clock; tests replace it)."""
    return datetime.now(UTC)


ARCHIVE_TIMEOUT = 10.0


@asynccontextmanager
async def open_archive(current: Settings, enabled: bool) -> AsyncIterator[ArchiveLookup]:
    """The Wayback Machine on a client of its own, or the offline default."""
    import httpx

    from curator.archive import NoArchive, WaybackArchive

    if not enabled:
        yield NoArchive()
        return
    async with httpx.AsyncClient(
        timeout=ARCHIVE_TIMEOUT, headers={"User-Agent": current.user_agent}
    ) as client:
        yield WaybackArchive(client)


def _since(value: str | None) -> Since | None:
    if value is None:
        return None
    from curator.report.model import parse_since

    try:
        return parse_since(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None


def _when(moment: datetime | None) -> str:
    from curator.labels import moment_label

    return moment_label(moment) if moment is not None else "soon"


def describe(result: DeliveryResult) -> str:
    """One line per email for the terminal."""
    from curator.mail import DeliveryStatus

    who = result.guide_slug or "-"
    what = "review reminder" if result.kind == "review" else "refresh report"
    match result.status:
        case DeliveryStatus.SENT:
            return f"{who}: {what} sent to {', '.join(result.recipients)}: {result.subject}"
        case DeliveryStatus.FAILED:
            return (
                f"{who}: {what} NOT sent (attempt {result.attempts}): {result.error}; "
                f"still owed, retried from {_when(result.next_attempt_at)}"
            )
        case DeliveryStatus.PENDING:
            return (
                f"{who}: {what} waiting to be sent again at {_when(result.next_attempt_at)} "
                f"({result.attempts} attempts, last error: {result.error})"
            )
        case DeliveryStatus.ALREADY_SENT:
            return f"{who}: {what} already sent ({result.key}); nothing new sent"
        case DeliveryStatus.NOTHING_NEW if result.first_report:
            # Never reported: nothing "changed", nothing is confirmed yet (or nothing checked).
            return f"{who}: {result.summary}; no review is due; no email"
        case DeliveryStatus.NOTHING_NEW:
            return f"{who}: nothing changed since the last report and no review is due; no email"
        case DeliveryStatus.NO_RECIPIENTS:
            return f"{who}: no recipients: set CURATOR_MAIL_TO or the guide's editors"


def once_each(results: Sequence[DeliveryResult]) -> list[DeliveryResult]:
    """One result per email: an owed email this command just tried is said by that attempt
    ("NOT sent (attempt 2) …; still owed"), not again as waiting to be sent or already sent
    when the report it is comes round again."""
    from curator.mail import DeliveryStatus

    tried = {
        r.delivery_id
        for r in results
        if r.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED) and r.delivery_id is not None
    }
    again = (DeliveryStatus.PENDING, DeliveryStatus.ALREADY_SENT)
    return [r for r in results if not (r.status in again and r.delivery_id in tried)]


@app.command()
def report(
    guide: Annotated[
        str | None, typer.Option("--guide", "-g", help="only this guide (its slug)")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="RUN|DATE",
            help="what counts as new: since run RUN started, or since DATE (UTC); "
            "default: since the guide's last report",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.TEXT,
    email: Annotated[
        bool,
        typer.Option(
            "--email", help="email each guide's report to its editors (once per check run)"
        ),
    ] = False,
    archive: Annotated[
        bool,
        typer.Option(
            "--archive/--no-archive",
            help="offer Wayback Machine copies of newly broken pages",
        ),
    ] = True,
) -> None:
    """Print the refresh report, or email it to the editors."""
    if email and fmt is not Format.TEXT:
        raise typer.BadParameter(
            "--format sets how the report is printed; --email always sends text and HTML",
            param_hint="--format",
        )
    pause_collection()  # until the report's modules are loaded (freeze_loaded)
    current = settings()
    period = _since(since)

    async def show() -> str:
        from curator.report.build import build_report
        from curator.report.render import Format as Rendering
        from curator.report.render import render
        from curator.store.engine import session_factory

        freeze_loaded()
        async with migrated_engine(current) as engine, open_archive(current, archive) as lookup:
            async with session_factory(engine)() as session, session.begin():
                value = await build_report(
                    session, current, now=utcnow(), guide=guide, since=period, archive=lookup
                )
        return render(value, Rendering(fmt.value))

    async def send() -> list[DeliveryResult]:
        from curator.mail import retry_failed_deliveries, send_refresh_report
        from curator.store.engine import session_factory

        freeze_loaded()
        async with migrated_engine(current) as engine, open_archive(current, archive) as lookup:
            sessions = session_factory(engine)
            # Someone at the terminal: what is owed goes now, whatever its backoff says.
            results = await retry_failed_deliveries(sessions, current, clock=utcnow, due_only=False)
            results += await send_refresh_report(
                sessions,
                current,
                run_id=None,
                clock=utcnow,
                guide=guide,
                since=period,
                archive=lookup,
            )
            return results

    if not email:
        sys.stdout.write(run(show))
        return
    results = once_each(run(send))
    from curator.mail import DeliveryStatus

    for result in results:
        line = describe(result)
        if result.status in (DeliveryStatus.FAILED, DeliveryStatus.NO_RECIPIENTS):
            err.print(line, markup=False)
        else:
            out.print(line, markup=False)
    if any(r.status is DeliveryStatus.FAILED for r in results):
        raise typer.Exit(EXIT_ERROR)
    if any(r.status is DeliveryStatus.NO_RECIPIENTS for r in results):
        raise typer.Exit(EXIT_INVALID)
