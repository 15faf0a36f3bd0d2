"""problem candidate indexes: the problems list finds unsettled links and snoozes without a scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 15:00:00.000000

The editors' problems list starts from the resources that may need an editor: those whose
link is not plainly working and those snoozed. Two partial indexes hold just those rows, so
finding them reads a few hundred index entries instead of every link state and every resource
(both wide rows: a link's snapshot of its last good page, a resource's synced values).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# As curator.store.models spells them (LinkState, Resource): the schema test compares both.
UNSETTLED_WHERE = (
    "verdict IS NULL OR verdict <> 'ok' OR last_verdict <> 'ok' OR consecutive_failures <> 0"
)
SNOOZED_WHERE = "snoozed_until IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_link_states_unsettled",
        "link_states",
        ["url"],
        sqlite_where=sa.text(UNSETTLED_WHERE),
        postgresql_where=sa.text(UNSETTLED_WHERE),
    )
    op.create_index(
        "ix_resources_snoozed_until",
        "resources",
        ["snoozed_until"],
        sqlite_where=sa.text(SNOOZED_WHERE),
        postgresql_where=sa.text(SNOOZED_WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_resources_snoozed_until", table_name="resources")
    op.drop_index("ix_link_states_unsettled", table_name="link_states")
