"""Migrations run up and down on both PostgreSQL and SQLite, and match the models; an empty
database created from the models in one go is the very schema a replay of every migration
gives."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from curator.migrate import HEAD, current_revision, downgrade, head_revision, upgrade
from curator.store.engine import create_engine
from curator.store.models import Base
from tests.cli.script import environment, finish, start
from tests.databases import RUN_TOKEN, create_postgres_database, drop_postgres_database


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine, create=False)  # every migration, one after another
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


def test_head_is_the_newest_migration() -> None:
    assert HEAD == head_revision()


def schema(connection: Connection) -> dict[str, Any]:
    """Everything a database's schema is made of, as comparable values: each table's columns
    (in order, with type, nullability and default), keys, foreign keys, indexes (partial ones'
    conditions included), unique and check constraints and rows; the triggers, and on
    PostgreSQL the functions and sequences."""
    inspector = inspect(connection)

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in sorted(value.items())}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value if value is None or isinstance(value, int | str | bool) else str(value)

    found: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        found[table] = plain(
            {
                "columns": inspector.get_columns(table),
                "primary key": inspector.get_pk_constraint(table),
                "foreign keys": sorted(inspector.get_foreign_keys(table), key=str),
                "indexes": sorted(inspector.get_indexes(table), key=str),
                "unique": sorted(inspector.get_unique_constraints(table), key=str),
                "checks": sorted(inspector.get_check_constraints(table), key=str),
                "rows": sorted(map(tuple, connection.execute(text(f"SELECT * FROM {table}")))),
            }
        )
    if connection.dialect.name == "sqlite":
        catalog = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type <> 'table'"
        found["sqlite_master"] = sorted(map(tuple, connection.execute(text(catalog))))
        return found
    for name, query in {
        "triggers": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
        "functions": "SELECT proname, pg_get_functiondef(p.oid) FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()",
        "sequences": "SELECT sequencename, data_type, start_value, increment_by, max_value "
        "FROM pg_sequences WHERE schemaname = current_schema()",
        "constraints": "SELECT conname, contype, condeferrable, condeferred, "
        "pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = current_schema()::regnamespace",
    }.items():
        found[name] = sorted(map(tuple, connection.execute(text(query))))
    return found


async def test_created_schema_is_the_migrated_schema(
    empty_database_url: str, tmp_path: Path
) -> None:
    # Two empty databases of one backend: every migration replayed on one, the newest schema
    # created in one go on the other (what a fresh database gets).
    if empty_database_url.startswith("sqlite"):
        other_url, other = f"sqlite:///{tmp_path / 'created.db'}", None
    else:
        other = f"curator_test_{RUN_TOKEN}_{uuid.uuid4().hex[:8]}"
        other_url = create_postgres_database(other)
    replayed, created = create_engine(empty_database_url), create_engine(other_url)
    try:
        await upgrade(replayed, create=False)
        await upgrade(created)
        schemas = []
        for engine in (replayed, created):
            assert await current_revision(engine) == HEAD
            async with engine.connect() as connection:
                schemas.append(await connection.run_sync(schema))
        assert set(schemas[0]) == set(schemas[1])
        for part in schemas[0]:
            assert schemas[1][part] == schemas[0][part], part
        assert schemas[0]["data_versions"]["rows"] == [["public", 1]]
        # And a created database migrates down and up again like a migrated one.
        await downgrade(created, "base")
        await upgrade(created)
        async with created.connect() as connection:
            assert await connection.run_sync(schema) == schemas[0]
    finally:
        await replayed.dispose()
        await created.dispose()
        if other is not None:
            drop_postgres_database(other)


UPGRADE_WITHOUT_ALEMBIC = """
import asyncio, sys
from curator.migrate import HEAD, upgrade
from curator.store.engine import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    await upgrade(engine)  # empty: created in one go
    await upgrade(engine)  # at the newest revision: nothing to do
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        version = result.all()
    await engine.dispose()
    print(version == [(HEAD,)], "alembic" in sys.modules)

asyncio.run(main())
"""


def test_a_fresh_or_newest_database_is_upgraded_without_loading_alembic(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", UPGRADE_WITHOUT_ALEMBIC, f"sqlite:///{tmp_path / 'fresh.db'}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "False"]


SQLITE_WITHOUT_POSTGRESQL = """
import asyncio, sys
from datetime import UTC, datetime
from sqlalchemy.ext.asyncio import async_sessionmaker
import api.app, curator.cli.check_cmds, curator.runs.execute  # what a check and the API load
from datetime import timedelta
from curator.migrate import upgrade
from curator.store import job_states, leases, link_states
from curator.store.engine import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    await upgrade(engine)
    async with async_sessionmaker(engine)() as session, session.begin():
        await link_states.upsert_link_states(
            session, states={"https://example.org/": ({"verdict": None}, None)}
        )
        await job_states.ensure_job_state(session, job_id="a job")
        now = datetime.now(UTC)
        print(await leases.acquire_lease(
            session, name="a lease", holder="me", now=now, ttl=timedelta(seconds=60)
        ))
    await engine.dispose()
    print("sqlalchemy.dialects.postgresql" in sys.modules)

asyncio.run(main())
"""


def test_a_sqlite_database_never_loads_postgresqls_dialect(tmp_path: Path) -> None:
    # The embedded default is spared loading PostgreSQL's dialect (about 65 ms a command):
    # upserts and partial indexes name it only on PostgreSQL.
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_WITHOUT_POSTGRESQL, f"sqlite:///{tmp_path / 'fresh.db'}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


async def test_processes_migrating_one_database_at_once_each_end_at_head(
    empty_database_url: str, tmp_path: Path
) -> None:
    """Commands started together on an empty database (`curator check` in two CI jobs, `serve`
    beside `sync`), or on one at an older revision, all end at head: on PostgreSQL they raced
    to create the same tables and all but one failed on a duplicate key, and on both
    databases two Alembic upgrades ran the same migration twice."""
    env = environment(CURATOR_DATABASE_URL=empty_database_url)

    async def together() -> None:
        started = [await start("db", "upgrade", cwd=tmp_path, env=env) for _ in range(3)]
        for process in started:
            result = await finish(process)
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == f"Database at revision {HEAD}."

    await together()
    engine = create_engine(empty_database_url)
    try:
        await downgrade(engine, "0005")
    finally:
        await engine.dispose()
    await together()


async def test_links_whose_latest_check_found_a_harmful_site_are_unsafe_after_0013(
    empty_database_url: str,
) -> None:
    """Migration 0013 dates `unsafe_since` from each link's latest stored check: a trade's
    take-over or a scam page hides the resource on deploy; a page that only reads as another
    site, or an older harmful check since followed by a working one, does not."""
    engine = create_engine(empty_database_url)
    at = "2026-11-30 03:00:00+00:00"
    checks = [  # (check id, run id, url, verdict, evidence)
        (1, 1, "https://casino.example/", "parked", '{"rule": "parked_takeover", "trade": "x"}'),
        (2, 1, "https://scam.example/", "parked", '{"rule": "parked_scam", "scam": "push"}'),
        (3, 1, "https://plumber.example/", "parked", '{"rule": "parked_takeover"}'),
        (4, 1, "https://back.example/", "parked", '{"rule": "parked_takeover", "trade": "x"}'),
        (5, 2, "https://back.example/", "ok", '{"rule": "ok"}'),
    ]
    latest = {url: (check_id, verdict) for check_id, _, url, verdict, _ in checks}
    try:
        await upgrade(engine, "0012")
        async with engine.begin() as conn:
            for run_id in (1, 2):
                await conn.execute(
                    text(
                        "INSERT INTO runs (id, trigger, status, started_at, total_urls, "
                        "checked_urls, counts) VALUES (:id, 'manual', 'completed', :at, 4, 4, "
                        "'{}')"
                    ),
                    {"id": run_id, "at": at},
                )
            for check_id, run_id, url, verdict, evidence in checks:
                await conn.execute(
                    text(
                        "INSERT INTO checks (id, run_id, url, checked_at, verdict, detail, "
                        "attempts, hops, evidence) VALUES (:id, :run, :url, :at, :verdict, '', "
                        "1, '[]', :evidence)"
                    ),
                    {
                        "id": check_id,
                        "run": run_id,
                        "url": url,
                        "at": at,
                        "verdict": verdict,
                        "evidence": evidence,
                    },
                )
            for url, (check_id, verdict) in latest.items():
                await conn.execute(
                    text(
                        "INSERT INTO link_states (url, last_verdict, consecutive_failures, "
                        "last_checked_at, last_check_id) VALUES (:url, :verdict, 1, :at, :id)"
                    ),
                    {"url": url, "verdict": verdict, "at": at, "id": check_id},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT url, unsafe_since FROM link_states"))
            unsafe = {url for url, since in rows if since is not None}
        assert unsafe == {"https://casino.example/", "https://scam.example/"}
    finally:
        await engine.dispose()
