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
