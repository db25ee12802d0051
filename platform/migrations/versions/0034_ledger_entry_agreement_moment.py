"""Each agreement's ledger entries in the order they were booked: the half-year review finds an
agreement's latest entry up to a day, and whether it booked any in the last 90 days, from the
index alone instead of reading all its entries.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 03:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ledger_entry_agreement_created_at",
        "ledger_entry",
        ["agreement_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_agreement_created_at", table_name="ledger_entry")
