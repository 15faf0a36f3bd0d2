"""The newest schema in one go, for an empty database: the models' tables and indexes, and
what the migrations add beside them (the data-version counter's row and triggers).

`curator.migrate` creates a fresh database this way instead of replaying every migration;
tests/store/test_migrations.py keeps the two identical on SQLite and PostgreSQL (tables,
columns, types, defaults, keys, indexes, constraints, triggers, functions and rows), so a
migration that changes the schema must change the models (and this module) to match.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from curator.store import models  # noqa: F401  (every table on Base.metadata)
from curator.store.base import Base, postgresql_partial_indexes

DATA_VERSION_TABLES = ("guides", "sections", "resources", "link_states")
"""The tables whose every write raises `data_versions.version` (see curator.store.models.
DataVersion): what the public lists show."""

_OPERATIONS = ("INSERT", "UPDATE", "DELETE")

# As migration 0007 creates them (its text is frozen; this one is the schema's).
_POSTGRESQL_FUNCTION = """
            CREATE FUNCTION curator_raise_data_version() RETURNS trigger AS $$
            BEGIN
                IF current_setting('curator.data_version_raised', true) = 'yes' THEN
                    RETURN NULL;
                END IF;
                PERFORM set_config('curator.data_version_raised', 'yes', true);
                INSERT INTO data_versions (name, version) VALUES ('public', 1)
                ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """


def create_schema(connection: Connection) -> None:
    """Create every table, index, trigger and seed row of the newest schema on an empty
    database (the caller's transaction)."""
    if connection.dialect.name == "postgresql":
        postgresql_partial_indexes()
    Base.metadata.create_all(connection, checkfirst=False)
    connection.exec_driver_sql("INSERT INTO data_versions (name, version) VALUES ('public', 1)")
    for statement in data_version_triggers(connection.dialect.name):
        connection.exec_driver_sql(statement)
    for statement in change_version_triggers(connection.dialect.name):
        connection.exec_driver_sql(statement)


def data_version_triggers(dialect: str) -> list[str]:
    """The statements that make every write to DATA_VERSION_TABLES raise the public counter:
    on PostgreSQL once a transaction, at its commit; on SQLite (one writer) once a row."""
    if dialect == "postgresql":
        return [_POSTGRESQL_FUNCTION] + [
            f"CREATE CONSTRAINT TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION curator_raise_data_version()"
            for table in DATA_VERSION_TABLES
        ]
    # No conflict clause in the body: the writing statement's own (an upsert's, an INSERT OR
    # IGNORE's) would override it. The row is made when missing, then raised.
    return [
        f"CREATE TRIGGER data_version_{table}_{operation.lower()} AFTER {operation} "
        f"ON {table} BEGIN "
        "INSERT INTO data_versions (name, version) SELECT 'public', 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = 'public'); "
        "UPDATE data_versions SET version = version + 1 WHERE name = 'public'; "
        "END"
        for table in DATA_VERSION_TABLES
        for operation in _OPERATIONS
    ]


CHANGE_VERSION_TABLES = ("resources", "link_states")
"""The tables whose rows carry `change_version`, stamped on every insert and update, and whose
deletions raise the `data_versions` row 'deletions' (curator.store.changes)."""

# As migration 0011 creates them (its text is frozen; this one is the schema's).
_POSTGRESQL_STAMP = """
            CREATE FUNCTION curator_stamp_change_version() RETURNS trigger AS $$
            BEGIN
                NEW.change_version := pg_current_xact_id()::text::bigint;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
_POSTGRESQL_DELETIONS = """
            CREATE FUNCTION curator_count_deletions() RETURNS trigger AS $$
            BEGIN
                INSERT INTO data_versions (name, version) VALUES ('deletions', 1)
                ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
_SQLITE_STAMP = "COALESCE((SELECT version FROM data_versions WHERE name = 'public'), 0) + 1"


def change_version_triggers(dialect: str) -> list[str]:
    """The statements that stamp each insert and update of CHANGE_VERSION_TABLES' rows (on
    PostgreSQL the writing transaction's id, on SQLite one more than the data version) and
    count their deletions."""
    if dialect == "postgresql":
        statements = [_POSTGRESQL_STAMP, _POSTGRESQL_DELETIONS]
        for table in CHANGE_VERSION_TABLES:
            statements += [
                f"CREATE TRIGGER change_version_{table} BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION curator_stamp_change_version()",
                f"CREATE TRIGGER deletions_{table} AFTER DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION curator_count_deletions()",
            ]
        return statements
    statements = []
    for table in CHANGE_VERSION_TABLES:
        statements += [
            f"CREATE TRIGGER change_version_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"UPDATE {table} SET change_version = {_SQLITE_STAMP} WHERE id = NEW.id; END",
            # The stamp's own update leaves change_version changed: it is not stamped again.
            f"CREATE TRIGGER change_version_{table}_update AFTER UPDATE ON {table} "
            "WHEN NEW.change_version = OLD.change_version BEGIN "
            f"UPDATE {table} SET change_version = {_SQLITE_STAMP} WHERE id = NEW.id; END",
            f"CREATE TRIGGER deletions_{table} AFTER DELETE ON {table} BEGIN "
            "INSERT INTO data_versions (name, version) SELECT 'deletions', 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = 'deletions'); "
            "UPDATE data_versions SET version = version + 1 WHERE name = 'deletions'; "
            "END",
        ]
    return statements
