"""`curator import` and `curator audit`: onboard a published guide page; catch drift."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
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
    CuratorCommand,
    app,
    catalog_path,
    err,
    out,
    read_catalog,
    report_catalog_error,
    run,
    settings,
)
from curator.errors import CatalogError, PageError
from curator.labels import plural

if TYPE_CHECKING:  # the importer, the auditor and the fetcher load when a command runs
    from curator.catalog.audit import AuditReport, GuideAudit
    from curator.catalog.merge import GuideMatch, ImportPlan
    from curator.catalog.pages import PublishedPage
    from curator.catalog.schema import GuideSpec
    from curator.settings import Settings


class OutputFormat(StrEnum):
    """How `curator audit` prints its findings."""

    TABLE = "table"
    JSON = "json"


GuideOption = Annotated[
    str | None, typer.Option("--guide", "-g", help="the guide's slug in the catalog")
]


def _found_by(match: GuideMatch) -> str:
    from curator.catalog.merge import GuideMatch

    return {
        GuideMatch.SLUG: "by --guide",
        GuideMatch.SOURCE_URL: "by its source_url",
        GuideMatch.TITLE: "by its title",
    }.get(match, "")


async def _fetch(url: str, current: Settings) -> PublishedPage:
    from curator.catalog.pages import FetcherPageReader
    from curator.check.fetcher import Fetcher

    async with Fetcher(current.fetch_policy()) as fetcher:
        return await FetcherPageReader(fetcher)(url)


def _read(source: str, current: Settings) -> PublishedPage:
    """The page to import: fetched through the checker's safe fetcher, or read from disk."""
    from curator.catalog.pages import is_url, read_page_file

    if is_url(source):
        return run(lambda: _fetch(source, current))
    try:
        return read_page_file(source)
    except PageError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_INVALID) from None


@app.command("import", cls=CuratorCommand)
def import_page(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="the published guide page: a saved file or a URL"),
    ],
    catalog: CatalogOption = None,
    guide: GuideOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would be added, write nothing")
    ] = False,
) -> None:
    """Add a published guide page's resource list to the catalog file."""
    from curator.catalog.importer import parse_guide, why_no_resources
    from curator.catalog.merge import import_guide

    current = settings()
    path = catalog_path(catalog, current)
    page = _read(source, current)
    spec = parse_guide(page.html, url=page.url)
    if not spec.all_resources():
        why = why_no_resources(page.html, url=page.url)
        err.print(
            f"[red]error:[/] {escape(source)}: no resource links found: "
            f"{escape(why)}. Nothing was written."
        )
        raise typer.Exit(EXIT_INVALID)
    try:
        plan = import_guide(path, spec, guide_slug=guide, dry_run=dry_run)
    except CatalogError as exc:
        report_catalog_error(exc)
        raise typer.Exit(EXIT_INVALID) from None
    print_import_plan(plan, spec, path, dry_run=dry_run)


def print_import_plan(plan: ImportPlan, spec: GuideSpec, path: Path, *, dry_run: bool) -> None:
    """The import as an editor reads it: the guide, then each addition, named."""
    from curator.catalog.merge import GuideMatch

    if dry_run:
        out.print("[bold]Dry run[/]: nothing written.")
    if plan.matched_by is GuideMatch.ADDED:
        out.print(f"[green]added   [/] guide    {plan.guide}: {escape(plan.title)}")
    else:
        out.print(
            f"guide {plan.guide} ({escape(plan.title)}) found in {escape(str(path))} "
            f"{_found_by(plan.matched_by)}"
        )
    if plan.source_url_set:
        out.print(f"[green]set     [/] source_url {escape(plan.source_url_set)}")
    for title in plan.sections_added:
        out.print(f"[green]added   [/] section  {plan.guide}: {escape(title)}")
    for added in plan.added:
        phone = f", phone {added.phone}" if added.phone else ""
        out.print(
            f"[green]added   [/] resource {plan.guide}/{added.key} ({added.kind}{phone}) "
            f"{escape(added.url)}"
        )
    for kept in plan.kept:
        if not kept.same_address:
            out.print(
                f"[yellow]kept    [/] resource {plan.guide}/{kept.key}: the page links "
                f"{escape(kept.page_url)}, the catalog has {escape(kept.url)} (not changed)"
            )
    on_page = len(spec.all_resources())
    verb = "Would add" if dry_run else "Added"
    if not plan.changed:
        every = (
            "the page's one resource is"
            if on_page == 1
            else f"all {on_page} resources on the page are"
        )
        out.print(f"No changes: {every} already in the catalog.")
    else:
        sections = (
            f" in {plural(len(plan.sections_added), 'new section')}" if plan.sections_added else ""
        )
        out.print(
            f"{verb} {plural(len(plan.added), 'resource')}{sections} to {escape(str(path))}; "
            f"{len(plan.kept)} of the page's {on_page} already in the catalog."
        )


async def _audit(guides: list[GuideSpec], current: Settings) -> AuditReport:
    from curator.catalog.audit import audit_guides
    from curator.catalog.pages import FetcherPageReader
    from curator.check.fetcher import Fetcher

    async with Fetcher(current.fetch_policy()) as fetcher:
        return await audit_guides(guides, FetcherPageReader(fetcher))


@app.command()
def audit(
    catalog: CatalogOption = None,
    guide: GuideOption = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table (default) or json")
    ] = OutputFormat.TABLE,
) -> None:
    """Compare each guide's published page with the catalog.

    Exit 1 when they differ.
    """
    current = settings()
    path = catalog_path(catalog, current)
    loaded = read_catalog(path)
    guides = list(loaded.guides)
    if guide is not None:
        chosen = loaded.guide(guide)
        if chosen is None:
            err.print(f"[red]error:[/] no guide {guide!r} in {path}")
            raise typer.Exit(EXIT_INVALID)
        if chosen.source_url is None:
            err.print(
                f"[red]error:[/] guide {guide!r} has no source_url: set it to the published "
                f"page's address, or run `curator import URL --guide {guide}`"
            )
            raise typer.Exit(EXIT_INVALID)
        guides = [chosen]
    report = run(lambda: _audit(guides, current))
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(audit_json(report), ensure_ascii=False, indent=2))
    else:
        print_audit(report)
    if report.drift:
        raise typer.Exit(EXIT_BROKEN)
    raise typer.Exit(EXIT_INCONCLUSIVE if report.inconclusive else EXIT_OK)


def audit_json(report: AuditReport) -> dict[str, Any]:
    """The audit as JSON: each guide's status and both lists of differences."""
    return {
        "drift": report.drift,
        "guides": [
            {
                "guide": g.guide,
                "title": g.title,
                "source_url": g.source_url,
                "page_url": g.page_url,
                "status": g.status.value,
                "detail": g.detail,
                "drift": g.drift,
                "on_page": g.on_page,
                "in_catalog": g.in_catalog,
                "matched": g.matched,
                "not_in_catalog": [asdict(link) for link in g.not_in_catalog],
                "not_on_page": [
                    {"section": c.section, "resource": c.key, "title": c.title, "url": c.url}
                    for c in g.not_on_page
                ],
            }
            for g in report.guides
        ],
        "without_page": list(report.without_page),
    }


def _difference_lines(audit: GuideAudit) -> list[str]:
    """One line per difference, whole addresses kept (no wrapping), for reading and grep."""
    lines = [
        f"  [green]+ on the page only[/]  {escape(link.section)}: {escape(link.title)}  "
        f"{escape(link.url)}"
        for link in audit.not_in_catalog
    ]
    lines += [
        f"  [red]- not on the page[/]   {escape(resource.section)}: {escape(resource.title)} "
        f"({resource.key})  {escape(resource.url)}"
        for resource in audit.not_on_page
    ]
    return lines


def print_audit(report: AuditReport) -> None:
    """The audit as an editor reads it: per guide, what the page and the catalog disagree on."""
    from curator.catalog.audit import AuditStatus

    for audit in report.guides:
        head = f"[bold]{audit.guide}[/] {escape(audit.source_url)}"
        if audit.status is not AuditStatus.COMPARED:
            out.print(f"{head}\n  [yellow]not compared[/]: {escape(audit.detail or '')}")
            continue
        if not audit.drift:
            out.print(f"{head}\n  page and catalog agree: {plural(audit.matched, 'resource')}.")
            continue
        out.print(
            f"{head}\n  {plural(len(audit.not_in_catalog), 'link')} on the page that the catalog"
            f" lacks, {plural(len(audit.not_on_page), 'catalog resource')} the page no longer"
            " shows:"
        )
        for line in _difference_lines(audit):
            out.print(line)
    if report.without_page:
        names = ", ".join(report.without_page)
        out.print(f"[dim]Not audited (no source_url): {names}[/]")
    if not report.guides:
        out.print("No guide has a source_url: nothing to audit.")
