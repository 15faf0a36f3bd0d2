"""report resolutions: who closed a reader's report, and why

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 18:00:00.000000

An editor can close readers' reports with a reason (say, the link works when opened by hand);
the other actions that deal with a resource (an edit, a snooze, retiring it, accepting a
suggested address) close its reports too, in their own words. `reader_reports.resolved_by`
and `resolution` keep who and why beside `resolved_at`. Reports closed before this revision
keep only when. ADD COLUMN keeps SQLite's data-version triggers (no table copy).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reader_reports", sa.Column("resolved_by", sa.String(120), nullable=True))
    op.add_column("reader_reports", sa.Column("resolution", sa.Text(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a batch copy of the table would lose its triggers.
    op.drop_column("reader_reports", "resolution")
    op.drop_column("reader_reports", "resolved_by")
