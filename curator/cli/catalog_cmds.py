"""`curator validate`, `curator sync`, `curator export`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from curator.cli.app import (
    CatalogArgument,
    CatalogOption,
    app,
    catalog_path,
    freeze_loaded,
    migrated_engine,
    out,
    pause_collection,
    read_catalog,
    run,
    scan_catalog,
    settings,
)
from curator.labels import plural

if TYPE_CHECKING:  # the database and the sync load when a command runs
    from curator.catalog.schema import GuideSpec
    from curator.sync import SyncPlan

_STYLE = {
    "added": "green",
    "changed": "yellow",
    "retired": "red",
    "restored": "green",
    "conflict": "bold red",
    "unchanged": "dim",
}


@app.command()
def validate(file: CatalogArgument = None, catalog: CatalogOption = None) -> None:
    """Validate the catalog file; list every problem with its line."""
    path = catalog_path(catalog, settings(), file)
    counted = [0, 0]  # guides, resources

    def count(spec: GuideSpec) -> None:
        counted[0] += 1
        counted[1] += len(spec.all_resources())

    if path.is_file():  # validated a guide at a time, none kept: memory stays flat
        scan_catalog(path, count)
    else:  # a pipe
        for spec in read_catalog(path).guides:
            count(spec)
    guides, resources = counted
    out.print(f"{path}: valid: {plural(guides, 'guide')}, {plural(resources, 'resource')}.")


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 70 else text[:67] + "..."


def print_plan(plan: SyncPlan, *, dry_run: bool, verbose: bool = False) -> None:
    """The sync plan as an editor reads it: what changed, named."""
    from curator.sync import ChangeKind

    for change in plan.changes:
        if change.kind is ChangeKind.UNCHANGED and not verbose:
            continue
        where = change.guide if change.subject == "guide" else f"{change.guide}/{change.key}"
        line = f"[{_STYLE[change.kind.value]}]{change.kind.value:<9}[/] {change.subject:<8} {where}"
        out.print(line)
        for f in change.fields:
            if change.kind is ChangeKind.CONFLICT:
                out.print(
                    f"            {f.field}: database has {_short(f.old)!s} (kept), "
                    f"file has {_short(f.new)!s}",
                    markup=False,
                )
            else:
                out.print(f"            {f.field}: {_short(f.old)} → {_short(f.new)}", markup=False)
    counts = plan.counts()
    summary = ", ".join(
        f"{counts[k.value]} {k.value}" for k in ChangeKind if k is not ChangeKind.CONFLICT
    )
    conflicts = plan.of(ChangeKind.CONFLICT)
    if not plan.changed_anything:
        out.print(f"No changes: {plural(counts['unchanged'], 'resource')} unchanged.")
    else:
        prefix = "Would apply" if dry_run else "Applied"
        out.print(f"{prefix}: {summary} (resources).")
    if conflicts:
        out.print(
            f"[bold red]{plural(len(conflicts), 'conflict')}[/]: values editors changed in the"
            " database were kept. Run `curator export` to write them into the file, or "
            "`curator sync --force` to take the file's values."
        )


@app.command()
def sync(
    file: CatalogArgument = None,
    catalog: CatalogOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show the plan, write nothing")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="the file wins over editors' changes in the database")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="list unchanged too")] = False,
) -> None:
    """Apply the catalog file to the database; print the plan."""
    # The collector stays paused while the catalog is validated and the sync's modules load:
    # its walks of the held catalog were about a quarter of a no-op sync of 10,000 resources.
    pause_collection()
    current = settings()
    path = catalog_path(catalog, current, file)
    loaded = read_catalog(path)

    async def body() -> SyncPlan:
        from curator.store.engine import session_factory
        from curator.sync import sync_catalog

        freeze_loaded()
        async with migrated_engine(current) as engine:
            async with session_factory(engine)() as session:
                # A write transaction (BEGIN IMMEDIATE on SQLite), as a check's sync is.
                transaction = await session.begin()
                plan = await sync_catalog(
                    session, loaded, source_file=str(path.resolve()), force=force
                )
                if dry_run:
                    await transaction.rollback()
                else:
                    await transaction.commit()
                return plan

    plan = run(body)
    if dry_run:
        out.print("[bold]Dry run[/]: nothing written.")
    print_plan(plan, dry_run=dry_run, verbose=verbose)


@app.command()
def export(file: CatalogArgument = None, catalog: CatalogOption = None) -> None:
    """Write the database's catalog back into the YAML file."""
    pause_collection()  # until the export's modules are loaded (freeze_loaded)
    current = settings()
    path = catalog_path(catalog, current, file)

    async def body() -> Any:
        from curator.export import export_catalog
        from curator.store.engine import session_factory

        freeze_loaded()
        async with migrated_engine(current) as engine:
            async with session_factory(engine)() as session:
                return await export_catalog(session, path)

    result = run(body)
    out.print(
        f"Exported {plural(len(result.guides), 'guide')} to {result.path}: "
        f"{plural(result.resources_updated, 'resource')} updated, {result.resources_added} added, "
        f"{result.resources_removed} removed."
    )
