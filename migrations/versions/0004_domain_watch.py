"""domain watch: registrations looked up over RDAP, and each check's TLS certificate

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "domain_registrations",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("status_since", sa.JSON(), nullable=False),
        sa.Column("registrar", sa.Text(), nullable=True),
        sa.Column("name_servers", sa.JSON(), nullable=False),
        sa.Column("previous_name_servers", sa.JSON(), nullable=True),
        sa.Column("name_servers_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_lookup_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_domain_registrations")),
    )
    op.create_index(
        op.f("ix_domain_registrations_next_lookup_at"),
        "domain_registrations",
        ["next_lookup_at"],
        unique=False,
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cert_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cert_issuer", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("cert_issuer")
        batch_op.drop_column("cert_expires_at")
    op.drop_index(op.f("ix_domain_registrations_next_lookup_at"), table_name="domain_registrations")
    op.drop_table("domain_registrations")
