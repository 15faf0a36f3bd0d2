"""confirmed since: when a link's confirmed verdict entered its group

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:00:00.000000

A resource's standing says since when readers no longer see a confirmed broken link; the
confirmation code records the moment (`link_states.confirmed_since`). Links confirmed broken
before this revision take their first failure as that moment, the nearest the table knows;
others fill it at their next change of group.
ADD COLUMN keeps SQLite's data-version triggers (no table copy).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BROKEN = ("broken", "soft_404", "parked", "changed", "insecure")


def upgrade() -> None:
    op.add_column(
        "link_states", sa.Column("confirmed_since", sa.DateTime(timezone=True), nullable=True)
    )
    listed = ", ".join(f"'{v}'" for v in _BROKEN)
    op.execute(
        "UPDATE link_states SET confirmed_since = COALESCE(first_failure_at, last_checked_at) "
        f"WHERE verdict IN ({listed})"
    )


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a batch copy of the table would lose its triggers.
    op.drop_column("link_states", "confirmed_since")
