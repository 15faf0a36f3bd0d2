"""certificate expiry index: the watch list finds expiring certificates without a scan

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000

The editors' watch list (the dashboard's problems page, `/v1/editor/warnings`, the alert
emails) starts from what warns: the checks whose certificate expires within the policy's
window, found through this index rather than by reading every check of every run.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checks_cert_expires_at", "checks", ["cert_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_checks_cert_expires_at", table_name="checks")
