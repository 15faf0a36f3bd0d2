"""one running run, enforced by the database; dashboard sessions stored server-side

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ONE_RUNNING_WHERE = "status = 'running' AND \"trigger\" <> 'recheck'"


def upgrade() -> None:
    # Runs left `running` beside another by older versions: keep the newest running.
    op.execute(
        "UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND \"trigger\" <> "
        "'recheck' AND id <> (SELECT max(id) FROM runs WHERE status = 'running' AND "
        "\"trigger\" <> 'recheck')"
    )
    op.create_index(
        "uq_runs_one_running",
        "runs",
        ["status"],
        unique=True,
        sqlite_where=sa.text(ONE_RUNNING_WHERE),
        postgresql_where=sa.text(ONE_RUNNING_WHERE),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["editor_tokens.id"],
            name=op.f("fk_dashboard_sessions_token_id_editor_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_dashboard_sessions_key_hash")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_token_id"), "dashboard_sessions", ["token_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dashboard_sessions_token_id"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index("uq_runs_one_running", table_name="runs")
