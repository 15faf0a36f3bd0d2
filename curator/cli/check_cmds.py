"""`curator check`: migrate, sync the catalog file, check every link once, print the verdicts.

Exit codes: 0 nothing broken, 1 broken links found, 3 inconclusive (the checker's own network
looks down; nothing changed), 2 invalid catalog, 4 other errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curator.catalog import Catalog
from curator.check.checker import Checker
from curator.cli.app import (
    EXIT_BROKEN,
    EXIT_INCONCLUSIVE,
    EXIT_INVALID,
    EXIT_OK,
    CatalogOption,
    app,
    catalog_path,
    err,
    is_terminal,
    migrated_engine,
    out,
    read_catalog,
    run,
    settings,
)
from curator.domain import Group, RunTrigger, Verdict
from curator.runs.execute import CheckResult, RunReport, execute_run
from curator.runs.selection import Selection
from curator.runs.targets import Target
from curator.settings import Settings
from curator.store.catalog import active_resources
from curator.store.engine import session_factory
from curator.sync import SyncPlan, sync_catalog

GROUP_ORDER = (Group.BROKEN, Group.UNKNOWN, Group.UPDATE, Group.WORKING)
GROUP_TITLE = {
    Group.BROKEN: "Broken: readers cannot use these",
    Group.UNKNOWN: "Unknown: not confirmed either way",
    Group.UPDATE: "Update: they work, but the address should change",
    Group.WORKING: "Working",
}
VERDICT_STYLE = {
    Verdict.OK: "green",
    Verdict.MOVED: "cyan",
    Verdict.TRANSIENT: "yellow",
    Verdict.UNVERIFIABLE: "yellow",
}
INCONCLUSIVE_MESSAGE = (
    "Inconclusive: every site failed before answering (DNS or connect), so the checker's own "
    "network looks down. No resource's state was changed. Check the network and run "
    "`curator check` again."
)


class Format(StrEnum):
    """How `curator check` prints its results."""

    TABLE = "table"
    JSON = "json"


@app.command()
def check(
    catalog: CatalogOption = None,
    guide: Annotated[
        str | None, typer.Option("--guide", "-g", help="check only this guide (its slug)")
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="table (default) or json on stdout")
    ] = Format.TABLE,
) -> None:
    """Check every link once and store the run.

    Exit 1 if any link is broken, 3 if the checker's own network looks down.
    """
    current = settings()
    path = catalog_path(catalog, current)
    loaded = read_catalog(path)
    slugs = [g.slug for g in loaded.guides]
    if guide is not None and guide not in slugs:
        err.print(f"[red]error:[/] guide {guide!r} is not in {path} (it has: {', '.join(slugs)})")
        raise typer.Exit(EXIT_INVALID)
    chosen = [guide] if guide is not None else slugs
    show_progress = output is Format.TABLE and is_terminal()

    source_file = str(path.resolve())

    async def body() -> tuple[SyncPlan, RunReport]:
        return await _sync_and_check(current, loaded, source_file, chosen, show_progress)

    plan, report = run(body)
    if output is Format.JSON:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        if plan.changed_anything:
            counts = plan.counts()
            err.print(
                f"Synced {path}: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['retired']} retired."
            )
        print_table(report)
    if report.inconclusive:
        err.print(f"[bold yellow]{INCONCLUSIVE_MESSAGE}[/]")
        raise typer.Exit(EXIT_INCONCLUSIVE)
    raise typer.Exit(EXIT_BROKEN if report.broken_found else EXIT_OK)


async def _sync_and_check(
    current: Settings, loaded: Catalog, source_file: str, slugs: list[str], show_progress: bool
) -> tuple[SyncPlan, RunReport]:
    async with migrated_engine(current) as engine:
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            plan = await sync_catalog(session, loaded, source_file=source_file)
        async with sessions() as session:
            ids = [r.id for slug in slugs for r in await active_resources(session, guide_slug=slug)]
        selection = Selection.resources(ids, guide_slug=slugs[0] if len(slugs) == 1 else None)
        with _progress(show_progress) as advance:
            async with Checker.build(
                current.fetch_policy(), search=current.search_limits()
            ) as checker:
                report = await execute_run(
                    sessions,
                    checker,
                    selection,
                    trigger=RunTrigger.CLI,
                    confirm=current.confirm_policy(),
                    on_result=advance,
                )
    return plan, report


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A callback advancing a rich progress bar on stderr (a no-op when not on a terminal)."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("Checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(result: CheckResult) -> None:
            progress.update(
                task, total=result.planned, completed=result.position, description=result.url
            )

        yield advance


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def result_json(target: Target, result: CheckResult) -> dict[str, Any]:
    """One resource's result as `--format json` prints it."""
    facts, outcome = result.facts, result.outcome
    return {
        "guide": target.guide_slug,
        "resource": target.key,
        "title": target.title,
        "url": target.url,
        "verdict": outcome.verdict.value,
        "group": result.group.value,
        "status_code": facts.status,
        "final_url": facts.final_url,
        "suggested_url": outcome.suggested_url,
        "suggestion": result.suggestion.to_json() if result.suggestion is not None else None,
        "detail": outcome.detail,
        "elapsed_ms": facts.elapsed_ms,
        "rule": outcome.rule,
        "error": facts.error.value if facts.error is not None else None,
        "attempts": facts.attempts,
        "checked_at": _iso(result.checked_at),
        "check_id": result.check_id,
        "certificate": (
            {
                "host": facts.certificate.host,
                "expires_at": _iso(facts.certificate.expires_at),
                "issuer": facts.certificate.issuer,
            }
            if facts.certificate is not None
            else None
        ),
    }


def as_json(report: RunReport) -> dict[str, Any]:
    """The object `curator check --format json` prints: the run and one result per resource."""
    return {
        "run": {
            "id": report.run_id,
            "status": report.status.value,
            "trigger": report.trigger,
            "started_at": _iso(report.started_at),
            "finished_at": _iso(report.finished_at),
            "planned_urls": report.planned,
            "counts": dict(report.counts),
            "summary": report.summary,
            "states_changed": report.states_changed,
        },
        "results": [result_json(t, r) for t, r in report.by_resource()],
    }


def print_table(report: RunReport) -> None:
    """The results grouped by verdict group, worst first, then the run's summary."""
    rows = report.by_resource()
    for group in GROUP_ORDER:
        members = [(t, r) for t, r in rows if r.group is group]
        if not members:
            continue
        table = Table(title=f"{GROUP_TITLE[group]} ({len(members)})", title_justify="left")
        table.add_column("verdict", no_wrap=True)
        table.add_column("resource")
        table.add_column("url", overflow="fold")
        table.add_column("detail", overflow="fold")
        for target, result in members:
            style = VERDICT_STYLE.get(result.verdict, "red")
            detail = result.outcome.detail
            if result.outcome.suggested_url:
                detail += f"\n→ {result.outcome.suggested_url}"
            elif result.suggestion is not None:
                detail += f"\npossibly → {result.suggestion.url} ({result.suggestion.summary})"
            table.add_row(
                f"[{style}]{result.verdict.value}[/]",
                f"{target.guide_slug}/{target.key}",
                target.url,
                detail,
            )
        out.print(table)
    out.print(f"Run {report.run_id} {report.status.value}: {report.summary}", markup=False)
