"""run plans: the URLs a run set out to check, in a table of their own beside the run's row

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_plans",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_plans_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_plans")),
    )
    op.execute("INSERT INTO run_plans (run_id, urls) SELECT id, planned_urls FROM runs")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("planned_urls")


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_urls", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE runs SET planned_urls = "
        "COALESCE((SELECT urls FROM run_plans WHERE run_plans.run_id = runs.id), '[]')"
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.alter_column("planned_urls", existing_type=sa.JSON(), nullable=False)
    op.drop_table("run_plans")
