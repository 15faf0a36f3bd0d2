"""The database's schema: Alembic migrations, run programmatically on an async engine.

Upgrading to the newest revision takes a shortcut where it can, without loading Alembic: a
database already there is left as it is, and an empty one (no tables at all) gets the newest
schema in one go (`curator.store.schema.create_schema`) and is stamped at `HEAD`, instead of
replaying every migration. tests/store/test_migrations.py keeps the created schema identical
to the replayed one on SQLite and PostgreSQL. Any other database is migrated by Alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from curator.errors import RevisionError
from curator.store.engine import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0013"
"""The newest migration's revision (tests/store/test_migrations.py checks it against
migrations/versions): what a database created in one go is stamped with."""

# Alembic's own bookkeeping table, as Alembic creates it (the schema test compares it too).
_ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def migrations_dir() -> Path:
    """The folder of curator's migrations (the `migrations` package)."""
    import migrations

    return Path(migrations.__file__).resolve().parent


def alembic_config() -> Config:
    """An Alembic config pointing at curator's migrations, independent of the working dir."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    """The newest migration's revision id, as Alembic reads it from the migrations folder."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head", *, create: bool = True) -> None:
    """Migrate the database up to `revision` (default: the newest). To the newest, an empty
    database is created in one go unless `create` is False (then every migration runs)."""
    if revision in ("head", HEAD):
        async with engine.connect() as connection:
            tables = await connection.run_sync(_tables_unless_newest)
        if tables is None:
            return
        if not tables and create:
            # A write transaction (BEGIN IMMEDIATE on SQLite): of two processes starting on
            # one empty database, the second waits and finds the schema made.
            async with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
                if await connection.run_sync(_create_if_empty):
                    return
    await _run(engine, "upgrade", revision)


MIGRATION_LOCK_KEY = 0x6375726D696772  # "curmigr": PostgreSQL's advisory lock of migrations


def _one_at_a_time(connection: Connection) -> None:
    """Hold the migration lock until this transaction ends, so processes migrating one
    database at once take turns, each finding what the one before it made.

    On SQLite the write transaction (BEGIN IMMEDIATE) already holds the one write lock; on
    PostgreSQL a transaction-level advisory lock does (DDL takes no lock on tables that do not
    exist yet, so two transactions could each create the same ones)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Migrate the database down to `revision` ("base" empties it)."""
    await _run(engine, "downgrade", revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""

    def read(connection: Connection) -> str | None:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def _tables_unless_newest(connection: Connection) -> list[str] | None:
    """None when the database is at HEAD; else its tables (none: an empty database)."""
    tables = inspect(connection).get_table_names()
    if _ALEMBIC_VERSION.name in tables:
        versions = connection.execute(select(_ALEMBIC_VERSION.c.version_num)).scalars().all()
        if versions == [HEAD]:
            return None
    return tables


def _create_if_empty(connection: Connection) -> bool:
    """Create the newest schema and stamp it at HEAD if the database is still empty; True when
    it is at HEAD now."""
    _one_at_a_time(connection)
    tables = _tables_unless_newest(connection)
    if tables is None:
        return True  # another process created it meanwhile
    if tables:
        return False
    from curator.store.schema import create_schema

    create_schema(connection)
    _ALEMBIC_VERSION.create(connection)
    connection.execute(_ALEMBIC_VERSION.insert().values(version_num=HEAD))
    return True


async def _run(engine: AsyncEngine, verb: str, revision: str) -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    def run(connection: Connection) -> None:
        _one_at_a_time(connection)
        config = alembic_config()
        config.attributes["connection"] = connection
        try:
            getattr(command, verb)(config, revision)
        except CommandError as exc:  # a revision that does not exist, or a range: bad input
            known = f"curator's revisions are base, 0001 to {HEAD}, and head"
            raise RevisionError(revision, str(exc).rstrip("."), known) from exc

    # A write transaction (BEGIN IMMEDIATE on SQLite), as creating a schema is: of two
    # processes migrating at once, the second waits and finds the database migrated.
    async with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        await connection.run_sync(run)
