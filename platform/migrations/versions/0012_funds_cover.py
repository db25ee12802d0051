"""Funds for goods, time or purchases: a proposal line records what it adds to the need line
(``covers``, in the need line's unit) besides what it takes from the offer line (``amount``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "proposal_line", sa.Column("covers", sa.Numeric(precision=14, scale=2), nullable=True)
    )
    op.execute("UPDATE proposal_line SET covers = amount")
    with op.batch_alter_table("proposal_line") as batch:
        batch.alter_column(
            "covers", existing_type=sa.Numeric(precision=14, scale=2), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal_line") as batch:
        batch.drop_column("covers")
