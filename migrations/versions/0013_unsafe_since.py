"""unsafe since: a link whose page is now a site harmful to readers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:00:00.000000

A lapsed charity domain bought by a gambling, adult, pharmacy, crypto or loans site, or
turned into a scam page, is hidden from readers as soon as a check finds it, not once the
failure is confirmed days later. Confirmation records since when checks have found such a
site at the URL (`link_states.unsafe_since`, see curator.check.state.advance); a working
check clears it. Links whose latest check (before this revision) found such a site take that
check's time, so they leave the public list at once rather than at their next check: the
classifier's evidence says so (rule `parked_scam`, or rule `parked_takeover` with a `trade`),
as `curator.check.parking_rules.harms_readers` reads it today.
ADD COLUMN keeps SQLite's data-version triggers (no table copy).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "link_states", sa.Column("unsafe_since", sa.DateTime(timezone=True), nullable=True)
    )
    if op.get_bind().dialect.name == "postgresql":
        rule, trade = "checks.evidence ->> 'rule'", "checks.evidence ->> 'trade'"
    else:
        rule = "json_extract(checks.evidence, '$.rule')"
        trade = "json_extract(checks.evidence, '$.trade')"
    op.execute(
        "UPDATE link_states SET unsafe_since = last_checked_at "
        "WHERE last_verdict = 'parked' AND last_check_id IN ("
        "SELECT checks.id FROM checks WHERE checks.verdict = 'parked' AND ("
        f"{rule} = 'parked_scam' OR ({rule} = 'parked_takeover' AND {trade} IS NOT NULL)))"
    )


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a batch copy of the table would lose its triggers.
    op.drop_column("link_states", "unsafe_since")
