"""`curator db …`: the database's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from curator.cli.app import app, out, run, settings
from curator.migrate import current_revision, downgrade, head_revision, upgrade
from curator.store.engine import create_engine

db_app = typer.Typer(help="Create or migrate the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
) -> None:
    """Migrate the database to the newest schema (or to REVISION)."""
    current = settings()

    async def body() -> str | None:
        engine = create_engine(current.database_url)
        try:
            await upgrade(engine, revision)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    out.print(f"Database at revision {run(body)}.")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="target revision, or base")]) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    current = settings()

    async def body() -> str | None:
        engine = create_engine(current.database_url)
        try:
            await downgrade(engine, revision)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    out.print(f"Database at revision {run(body) or 'base'}.")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one."""
    current = settings()

    async def body() -> str | None:
        engine = create_engine(current.database_url)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    out.print(f"Database at {run(body) or 'base (not migrated)'}; newest is {head_revision()}.")
