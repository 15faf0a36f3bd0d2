"""change versions: each resource and link-state row says when it last changed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:00:00.000000

The editors' problems list keeps its candidates between requests; after a write it reads
again only the rows written since it last read (curator.store.problems), found through an
index on `change_version`, which triggers stamp on every insert and update of resources and
link_states, in the writer's own transaction:

- PostgreSQL: the writing transaction's id (`pg_current_xact_id()`); a reader remembers the
  oldest transaction its snapshot still saw running (`pg_snapshot_xmin`), and next reads the
  rows stamped from it on, so a transaction that commits after a read is never missed;
- SQLite (one writer at a time): one more than the data version (migration 0007) at the
  write; a reader remembers the version it read and next reads the rows stamped above it.

Deleting resources or link states (curator itself retires them instead) raises a counter of
its own, the `data_versions` row 'deletions' (made when missing): a reader that sees it move
reads its candidates whole again. Rows written before this revision are stamped 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("resources", "link_states")

# As curator.store.schema spells them (the schema test compares both).
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


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("change_version", sa.BigInteger(), server_default="0", nullable=False),
        )
        op.create_index(f"ix_{table}_change_version", table, ["change_version"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL_STAMP)
        op.execute(_POSTGRESQL_DELETIONS)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER change_version_{table} BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION curator_stamp_change_version()"
            )
            op.execute(
                f"CREATE TRIGGER deletions_{table} AFTER DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION curator_count_deletions()"
            )
        return
    stamp = "COALESCE((SELECT version FROM data_versions WHERE name = 'public'), 0) + 1"
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER change_version_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"UPDATE {table} SET change_version = {stamp} WHERE id = NEW.id; END"
        )
        # The stamp's own update leaves change_version changed: it is not stamped again.
        op.execute(
            f"CREATE TRIGGER change_version_{table}_update AFTER UPDATE ON {table} "
            "WHEN NEW.change_version = OLD.change_version BEGIN "
            f"UPDATE {table} SET change_version = {stamp} WHERE id = NEW.id; END"
        )
        op.execute(
            f"CREATE TRIGGER deletions_{table} AFTER DELETE ON {table} BEGIN "
            "INSERT INTO data_versions (name, version) SELECT 'deletions', 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = 'deletions'); "
            "UPDATE data_versions SET version = version + 1 WHERE name = 'deletions'; "
            "END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS deletions_{table} ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS change_version_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS curator_count_deletions()")
        op.execute("DROP FUNCTION IF EXISTS curator_stamp_change_version()")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS deletions_{table}")
            op.execute(f"DROP TRIGGER IF EXISTS change_version_{table}_update")
            op.execute(f"DROP TRIGGER IF EXISTS change_version_{table}_insert")
    op.execute("DELETE FROM data_versions WHERE name = 'deletions'")
    for table in TABLES:
        op.drop_index(f"ix_{table}_change_version", table_name=table)
        # DROP COLUMN in place (SQLite 3.35+): a batch copy of the table would lose its triggers.
        op.drop_column(table, "change_version")
