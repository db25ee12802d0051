"""Index for the pairing suggestions' newest-first scan of a category's offers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:30:04.661697
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_suggestion_scan",
            ["category", "state", "published_at", "id", "valid_until", "capacity_used", "capacity"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_suggestion_scan")
