"""`curator check`: migrate, sync the catalog file, check every link once, print the verdicts.

Exit codes: 0 nothing broken, 1 broken links found (a broken-group verdict in this run for a
resource not snoozed as a false positive: curator.standing.counts_as_broken), 3 inconclusive
(the checker's own network looks down; nothing changed), 2 invalid catalog, 4 other errors;
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from curator.cli.app import (
    EXIT_BROKEN,
    EXIT_INCONCLUSIVE,
    EXIT_INVALID,
    EXIT_OK,
    CatalogOption,
    app,
    catalog_path,
    err,
    fail,
    freeze_loaded,
    interrupted_code,
    is_terminal,
    leave,
    migrated_engine,
    out,
    pause_collection,
    run,
    settings,
    validated_catalog,
)
from curator.cli.check_output import (
    Format,
    JsonResults,
    Row,
    junit,
    markdown,
    plain_lines,
    print_table,
)
from curator.cli.check_report import as_json, result_json, row_of, write_json

__all__ = ["as_json", "check", "result_json", "row_of", "write_json"]

if TYPE_CHECKING:  # the checker and the store load when a check starts
    from curator.catalog import GuideSpec
    from curator.runs.adhoc import AddressReport, AddressResult
    from curator.runs.execute import CheckResult, RunReport
    from curator.settings import Settings

INCONCLUSIVE_ADVICE = (
    "Check this machine's network (DNS, a proxy, a firewall) and run the check again."
)


def say_inconclusive(output: Format, summary: str) -> None:
    """On stderr, what to do about an inconclusive check; with its summary too when stdout
    does not say it in words (JSON, JUnit), so a CI log shows why it stopped."""
    said = summary if output in (Format.TABLE, Format.MARKDOWN) else ""
    said = INCONCLUSIVE_ADVICE if said else f"{summary} {INCONCLUSIVE_ADVICE}"
    err.print(f"[bold yellow]{escape(said)}[/]")


@dataclass
class Tally:
    """How far a run has got, for the line Ctrl-C leaves."""

    done: int = 0
    planned: int = 0


@app.command()
def check(
    addresses: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="URL",
            help="addresses to check ad hoc, without the catalog (nothing is stored)",
            show_default=False,
        ),
    ] = None,
    links: Annotated[
        list[Path] | None,
        typer.Option(
            "--links",
            "-l",
            metavar="FILE",
            help="check the links of a file ad hoc: one address a line, Markdown or HTML",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            "-x",
            metavar="REGEX",
            help="leave out addresses this regular expression finds (repeatable)",
        ),
    ] = None,
    catalog: CatalogOption = None,
    guide: Annotated[
        str | None, typer.Option("--guide", "-g", help="check only this guide (its slug)")
    ] = None,
    output: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="table (default; one line per result when not on a terminal), json, "
            "markdown or junit, on stdout",
        ),
    ] = Format.TABLE,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="print only the problems (broken, unknown, update)"),
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="a progress bar on a terminal")
    ] = True,
) -> None:
    """Check the catalog's links (stored as a run), or URLs ad hoc.

    Without URL or --links: every link of the catalog once, stored as a run. With them: the
    URLs given and the links of each file, storing nothing.

    Exit 1 if any link is broken (snoozed false positives aside), 3 if the checker's own
    network looks down.
    """
    pause_collection()  # until the checker's modules are loaded (freeze_loaded)
    current = settings()
    patterns = compile_excludes(exclude or [])
    if addresses or links:
        if guide is not None or catalog is not None:
            fail("--guide and --catalog are for the catalog's links, not ad-hoc addresses", 2)
        check_ad_hoc(current, addresses or [], links or [], patterns, output, quiet, progress)
        return
    path = catalog_path(catalog, current)
    # The file is validated whole first (a bad file changes nothing, not even the database's
    # schema); the sync has its guides again (`validated_catalog`).
    slugs: list[str] = []
    urls: dict[str, None] = {}  # in catalog order: the run's head start takes the first

    def seen(spec: GuideSpec) -> None:
        slugs.append(spec.slug)
        if guide is None or spec.slug == guide:
            urls.update((r.url, None) for _, r in spec.all_resources())

    shell, guides = validated_catalog(path, seen)
    patterns += compile_excludes(shell.exclude, source=f"{path}: exclude")
    if guide is not None and guide not in slugs:
        err.print(f"[red]error:[/] guide {guide!r} is not in {path} (it has: {', '.join(slugs)})")
        raise typer.Exit(EXIT_INVALID)
    chosen = [guide] if guide is not None else slugs
    show_progress = progress and output is Format.TABLE and is_terminal() and err.is_terminal
    checked = [url for url in urls if not excluded(url, patterns)]
    if urls and not checked:  # as with addresses given ad hoc: checking nothing is no pass
        where = f"guide {guide!r} in {path}" if guide is not None else str(path)
        which = "the only address" if len(urls) == 1 else f"all {len(urls)} addresses"
        by = " and ".join(
            ([f"{path.name}'s exclude: list"] if shell.exclude else [])
            + (["--exclude"] if exclude else [])
        )
        fail(
            f"no links to check: {which} of {where} {'is' if len(urls) == 1 else 'are'} "
            f"excluded (by {by}); nothing was written",
            EXIT_INVALID,
        )
    urls.clear()
    tally = Tally(planned=len(checked))
    source_file = str(path.resolve())

    def said_synced(synced: dict[str, int]) -> None:
        if not quiet and output is Format.TABLE:
            err.print(
                f"Synced {path}: {synced['added']} added, {synced['changed']} changed, "
                f"{synced['retired']} retired."
            )

    async def body() -> tuple[str | None, bool]:
        return await _sync_check_and_print(
            current,
            guides,
            source_file,
            chosen,
            checked,
            show_progress,
            tally,
            patterns,
            said_synced=said_synced,
            output=output,
            quiet=quiet,
        )

    try:
        inconclusive, broken = run(body)  # the summary of an inconclusive run, or None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated)
        from curator.runs.summaries import cancelled_summary

        err.print(cancelled_summary(tally.done, tally.planned))
        raise typer.Exit(interrupted_code(exc)) from None
    if inconclusive is not None:
        say_inconclusive(output, inconclusive)
        leave(EXIT_INCONCLUSIVE)
    leave(EXIT_BROKEN if broken else EXIT_OK)


def print_report(report: RunReport, output: Format, *, quiet: bool) -> None:
    """A run that kept its results, in the chosen format on stdout (`curator check` prints
    its run from the store: `curator.cli.check_report.print_stored`, the same output)."""
    summary = f"Run {report.run_id} {report.status.value}: {report.summary}"
    if output is Format.JSON:
        write_json(report)
        return
    rows = [row_of(t, r) for t, r in report.by_resource()]
    _print_rows(rows, output, summary=summary, quiet=quiet, inconclusive=report.inconclusive)


def _print_rows(
    rows: list[Row], output: Format, *, summary: str, quiet: bool, inconclusive: bool
) -> None:
    if output is Format.JUNIT:
        print(junit(rows, name="curator", summary=summary), end="")
        return
    if inconclusive:
        rows = []  # every address failed alike: one summary says it, not a row per resource
    if output is Format.MARKDOWN:
        print(markdown(rows, summary=summary, quiet=quiet), end="")
        return
    if is_terminal():
        print_table(out, rows, quiet=quiet)
    else:
        for line in plain_lines(rows, quiet=quiet):
            print(line)
    if not quiet or inconclusive:
        print(summary)


async def _sync_check_and_print(
    current: Settings,
    guides: Callable[[], Iterable[GuideSpec]],
    source_file: str,
    slugs: list[str],
    checked: list[str],
    show_progress: bool,
    tally: Tally,
    patterns: list[re.Pattern[str]],
    *,
    said_synced: Callable[[dict[str, int]], None],
    output: Format,
    quiet: bool,
) -> tuple[str | None, bool]:
    """Sync the catalog's `guides` (a file known valid, read again a guide at a time;
    `said_synced` is given its counts when it changed anything), run keeping no result, print
    the run's results read back from the store, and give the summary of an inconclusive run
    (None for any other) and whether it fails the check (exit 1).

    The run's first URLs of `checked` (the file's, in catalog order) are fetched from the
    start, while the store loads and the catalog is synced (`curator.runs.headstart`)."""
    from curator.check.checker import Checker
    from curator.runs.headstart import HeadStart

    async with (
        Checker.build(current.fetch_policy(), search=current.search_limits()) as checker,
        HeadStart.of(checker, checked) as head,
    ):
        del checked[:]  # the file's URLs are let go: the run reads its own
        await asyncio.sleep(0)  # the first connections go out before the store's modules load
        from curator.cli.check_report import StoredRun, print_stored
        from curator.domain import RunTrigger
        from curator.runs.execute import execute_run
        from curator.runs.selection import Selection
        from curator.store.base import utcnow
        from curator.store.catalog import active_resource_urls
        from curator.store.engine import session_factory
        from curator.sync import sync_guides

        freeze_loaded()
        async with migrated_engine(current) as engine:
            sessions = session_factory(engine)
            async with sessions() as session, session.begin():
                plan = await sync_guides(
                    session, guides(), source_file=source_file, keep_changes=False
                )
            synced = plan.counts() if plan.changed_anything else None
            del plan
            async with sessions() as session:
                chosen = await active_resource_urls(session, guide_slugs=slugs)
            # In catalog order: the order the results are printed in.
            ids = [resource_id for resource_id, url in chosen if not excluded(url, patterns)]
            del chosen
            selection = Selection.resources(ids, guide_slug=slugs[0] if len(slugs) == 1 else None)
            with _progress(show_progress, tally) as advance:
                report = await execute_run(
                    sessions,
                    checker,
                    selection,
                    trigger=RunTrigger.CLI,
                    confirm=current.confirm_policy(),
                    on_result=advance,
                    keep_results=False,
                    sweep=head.sweep,
                )
            if synced is not None:
                said_synced(synced)
            # Only a broken verdict can fail the check: only those resources' standings are
            # read.
            stored = StoredRun(sessions, report, ids, now=utcnow())
            terminal = out if output is Format.TABLE and is_terminal() else None
            await print_stored(stored, output, quiet=quiet, terminal=terminal)
    return (report.summary if report.inconclusive else None), stored.fails


@contextmanager
def _progress(enabled: bool, tally: Tally) -> Iterator[Any]:
    """A callback counting results, advancing a rich progress bar on stderr when `enabled`."""

    def count(result: CheckResult | AddressResult) -> None:
        tally.done, tally.planned = result.position, result.planned

    if not enabled:
        yield count
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

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

        def advance(result: CheckResult | AddressResult) -> None:
            count(result)
            progress.update(
                task, total=result.planned, completed=result.position, description=result.url
            )

        yield advance


def compile_excludes(patterns: list[str], *, source: str = "--exclude") -> list[re.Pattern[str]]:
    """The exclude patterns, compiled; a bad one ends the command (exit 2) naming it."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            fail(f"{source}: {pattern!r} is not a regular expression ({exc})", EXIT_INVALID)
    return compiled


def excluded(url: str, patterns: list[re.Pattern[str]]) -> bool:
    """True when an exclude pattern finds something in `url`."""
    return any(p.search(url) for p in patterns)


def _file_hint(bad: list[str]) -> str:
    """How to give a file that was given as an address (`curator check resources.yaml`, as
    other link checkers take their input): as the catalog, or as a file of links."""
    files = [name for name in bad if Path(name).is_file()]
    if not files:
        return ""
    name = files[0]
    return (
        f" ({name} is a file: `curator check --catalog {name}` checks a catalog's links and "
        f"stores the run; `curator check --links {name}` checks the links written in any file)"
    )


def check_ad_hoc(
    current: Settings,
    addresses: list[str],
    links: list[Path],
    patterns: list[re.Pattern[str]],
    output: Format,
    quiet: bool,
    progress: bool,
) -> None:
    """Check addresses (and the links of files) with no catalog; nothing is stored."""
    from curator.runs.adhoc import check_addresses, links_in

    urls = list(addresses)
    for path in links:
        found = links_in(path)
        if not found:
            err.print(f"{path}: no http(s) links found", markup=False)
        urls += found
    bad = [u for u in urls if not _is_web_address(u)]
    if bad:
        fail(f"not an http(s) address: {', '.join(bad)}{_file_hint(bad)}", EXIT_INVALID)
    if not urls:
        # Nothing to check is a mistake, not a pass: a CI job checking a file that lost its
        # links would otherwise report success having checked nothing.
        fail("no addresses to check: the files given hold no http(s) links", EXIT_INVALID)
    chosen = list(dict.fromkeys(u for u in urls if not excluded(u, patterns)))
    if not chosen:
        fail("no addresses to check (every one is excluded)", EXIT_INVALID)
    tally = Tally(planned=len(chosen))
    show_progress = progress and output is Format.TABLE and is_terminal() and err.is_terminal

    async def body() -> AddressReport:
        from curator.check.checker import Checker

        freeze_loaded()
        with _progress(show_progress, tally) as advance:
            async with Checker.build(current.fetch_policy()) as checker:
                return await check_addresses(checker, chosen, on_result=advance)

    try:
        report = run(body)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated)
        err.print(f"Interrupted after {tally.done} of {tally.planned} addresses.")
        raise typer.Exit(interrupted_code(exc)) from None
    summary = report.summary
    if output is Format.JSON:
        writer = JsonResults(sys.stdout.write)
        writer.start(
            {"summary": summary, "inconclusive": report.inconclusive, "counts": report.counts}
        )
        for result in report.results:
            writer.add(address_json(result))
        writer.finish()
    else:
        rows = [
            Row(
                verdict=r.verdict,
                resource=r.url,
                title="",
                url=r.url,
                detail=r.outcome.detail,
                fix=f"→ {r.outcome.suggested_url}" if r.outcome.suggested_url else None,
                seconds=(r.facts.elapsed_ms or 0) / 1000,
            )
            for r in report.results
        ]
        _print_rows(rows, output, summary=summary, quiet=quiet, inconclusive=report.inconclusive)
    if report.inconclusive:
        say_inconclusive(output, summary)
        leave(EXIT_INCONCLUSIVE)
    leave(EXIT_BROKEN if report.broken_found else EXIT_OK)


def _is_web_address(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        split = urlsplit(url)
    except ValueError:
        return False
    return split.scheme in ("http", "https") and bool(split.hostname)


def address_json(result: AddressResult) -> dict[str, Any]:
    """One ad-hoc address's result as `--format json` prints it."""
    facts, outcome = result.facts, result.outcome
    return {
        "url": result.url,
        "verdict": outcome.verdict.value,
        "group": result.group.value,
        "status_code": facts.status,
        "final_url": facts.final_url,
        "suggested_url": outcome.suggested_url,
        "detail": outcome.detail,
        "elapsed_ms": facts.elapsed_ms,
        "rule": outcome.rule,
        "error": facts.error.value if facts.error is not None else None,
        "attempts": facts.attempts,
    }
