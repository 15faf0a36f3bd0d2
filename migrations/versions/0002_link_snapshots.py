"""link snapshots: the last good page of each link, and what each check's page was

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_CHECK_COLUMNS = ("heading", "site_name", "text_sample")
_STATE_TEXT_COLUMNS = (
    "snapshot_title",
    "snapshot_heading",
    "snapshot_site_name",
    "snapshot_text",
)


def upgrade() -> None:
    with op.batch_alter_table("checks", schema=None) as batch_op:
        for name in _CHECK_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("link_states", schema=None) as batch_op:
        for name in _STATE_TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("snapshot_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_states", schema=None) as batch_op:
        batch_op.drop_column("snapshot_at")
        batch_op.drop_column("snapshot_fingerprint")
        for name in reversed(_STATE_TEXT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("checks", schema=None) as batch_op:
        for name in reversed(_CHECK_COLUMNS):
            batch_op.drop_column(name)
