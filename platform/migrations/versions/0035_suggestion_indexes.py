"""Suggestions' statements read from indexes: the pairings a place holds counted from indexes
alone (a need's proposals by state, replacing the index on the need alone, which it leads
with; a township's needs with their villages), and an offer's candidate needs in a township by
category, newest first.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 11:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | Sequence[str] | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_proposal_need_state", "proposal", ["need_id", "state"])
    op.drop_index("ix_proposal_need_id", table_name="proposal")
    op.create_index("ix_need_township_region", "need", ["township_code", "region_code", "id"])
    op.create_index(
        "ix_need_township_state_category",
        "need",
        ["township_code", "state", "category", "published_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_need_township_state_category", table_name="need")
    op.drop_index("ix_need_township_region", table_name="need")
    op.create_index("ix_proposal_need_id", "proposal", ["need_id"])
    op.drop_index("ix_proposal_need_state", table_name="proposal")
