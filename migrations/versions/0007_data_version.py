"""data version: one counter the database raises on every write to what the public lists show

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:00:00.000000

The public lists' change detection reads one row instead of aggregating four tables: triggers
on guides, sections, resources and link_states raise `data_versions.version` of the row
'public' (created when missing) on every insert, update and delete, in the writer's own
transaction. On PostgreSQL the trigger is deferred to the commit and raises the counter once a
transaction: the counter's row is locked only while committing, so two transactions writing
the same rows cannot deadlock over it. SQLite (one writer at a time) raises it per row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("guides", "sections", "resources", "link_states")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.execute("INSERT INTO data_versions (name, version) VALUES ('public', 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
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
        )
        for table in TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION curator_raise_data_version()"
            )
        return
    for table in TABLES:
        for operation in OPERATIONS:
            # No conflict clause in the body: the writing statement's own (an upsert's, an
            # INSERT OR IGNORE's) would override it. The row is made when missing, then raised.
            op.execute(
                f"CREATE TRIGGER data_version_{table}_{operation.lower()} AFTER {operation} "
                f"ON {table} BEGIN "
                "INSERT INTO data_versions (name, version) SELECT 'public', 0 "
                "WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = 'public'); "
                "UPDATE data_versions SET version = version + 1 WHERE name = 'public'; "
                "END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS curator_raise_data_version()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS data_version_{table}_{operation.lower()}")
    op.drop_table("data_versions")
