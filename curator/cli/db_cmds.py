"""`curator db …`: the database's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from curator.cli.app import CuratorCommand, app, database, out, run, settings

db_app = typer.Typer(help="Create or migrate the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="target revision")] = "head",
) -> None:
    """Migrate the database to the newest schema (or to REVISION)."""
    current = settings()

    async def body() -> str | None:
        from curator.migrate import current_revision, upgrade

        async with database(current) as engine:
            await upgrade(engine, revision)
            return await current_revision(engine)

    out.print(f"Database at revision {run(body)}.")


@db_app.command("downgrade", cls=CuratorCommand)
def db_downgrade(
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="target revision, or base")],
) -> None:
    """Migrate the database down to REVISION.

    "base" removes every table."""
    current = settings()

    async def body() -> str | None:
        from curator.migrate import current_revision, downgrade

        async with database(current) as engine:
            await downgrade(engine, revision)
            return await current_revision(engine)

    out.print(f"Database at revision {run(body) or 'base'}.")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one."""
    current = settings()

    async def body() -> str | None:
        from curator.migrate import current_revision

        async with database(current) as engine:
            return await current_revision(engine)

    from curator.migrate import head_revision

    out.print(f"Database at {run(body) or 'base (not migrated)'}; newest is {head_revision()}.")
