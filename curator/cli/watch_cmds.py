"""`curator watch`: the warnings before a resource is lost, and the registrations behind them."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from curator.cli.app import app, migrated_engine, out, run, settings

if TYPE_CHECKING:  # the store, the HTTP client and the watch load when the command runs
    from curator.watch.lookups import LookupSummary
    from curator.watch.warnings import WatchedResource


class WatchFormat(StrEnum):
    """How `curator watch` prints."""

    TABLE = "table"
    JSON = "json"


@app.command()
def watch(
    guide: Annotated[
        str | None, typer.Option("--guide", "-g", help="only this guide (its slug)")
    ] = None,
    lookup: Annotated[
        bool,
        typer.Option(
            "--lookup/--no-lookup",
            help="first look up the registrations whose cache is due (RDAP), as the "
            "scheduler's domain_watch job does",
        ),
    ] = False,
    fmt: Annotated[
        WatchFormat, typer.Option("--format", "-f", help="output format")
    ] = WatchFormat.TABLE,
) -> None:
    """Print warnings of domains and certificates about to be lost.

    Domains expiring, on registry hold or in redemption, name servers moved to a parking
    provider, certificates expiring. Warnings are not verdicts: the exit code is 0 whatever
    they say."""
    current = settings()

    async def body() -> tuple[LookupSummary | None, list[WatchedResource]]:
        from curator.check.transport import build_client
        from curator.store.base import utcnow
        from curator.store.catalog import require_guide
        from curator.store.engine import session_factory
        from curator.watch.lookups import build_rdap, refresh_registrations
        from curator.watch.warnings import watched_resources

        async with migrated_engine(current) as engine:
            sessions = session_factory(engine)
            summary = None
            if lookup and current.rdap_lookups:
                async with build_client(current.fetch_policy()) as client:
                    rdap = build_rdap(current, client)
                    assert rdap is not None
                    summary = await refresh_registrations(
                        sessions, rdap, settings=current, clock=utcnow
                    )
            async with sessions() as session:
                if guide is not None:
                    await require_guide(session, slug=guide)  # as report --guide says it: exit 2
                found = await watched_resources(
                    session, now=utcnow(), policy=current.watch_policy(), guide_slug=guide
                )
        return summary, found

    summary, found = run(body)
    if fmt is WatchFormat.JSON:
        document = {
            "lookups": summary.describe() if summary is not None else None,
            "resources": [
                {
                    "resource_id": w.resource_id,
                    "guide": w.guide,
                    "key": w.key,
                    "title": w.title,
                    "url": w.url,
                    "verdict": w.verdict.value if w.verdict is not None else None,
                    "warnings": [warning.to_json() for warning in w.warnings],
                }
                for w in found
            ],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if summary is not None:
        out.print(summary.describe(), markup=False)
    if lookup and not current.rdap_lookups:
        out.print("registration look-ups are off (CURATOR_RDAP_LOOKUPS=false)", markup=False)
    if not found:
        out.print("No warnings.", markup=False)
        return
    for resource in found:
        out.print(f"{resource.guide} / {resource.title}  {resource.url}", markup=False)
        for warning in resource.warnings:
            out.print(f"  - {warning.detail}", markup=False)
