"""Migrations run up and down on both PostgreSQL and SQLite, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from curator.migrate import current_revision, downgrade, head_revision, upgrade
from curator.store.engine import create_engine
from curator.store.models import Base


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()

        def tables(conn: Connection) -> set[str]:
            return set(inspect(conn).get_table_names())

        async with engine.connect() as conn:
            assert set(Base.metadata.tables) <= await conn.run_sync(tables)

            def diff(sync_conn: Connection) -> list[object]:
                ctx = MigrationContext.configure(sync_conn, opts={"compare_type": False})
                return list(compare_metadata(ctx, Base.metadata))

            assert await conn.run_sync(diff) == []

        await downgrade(engine, "base")
        async with engine.connect() as conn:
            assert await conn.run_sync(tables) <= {"alembic_version"}
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()
