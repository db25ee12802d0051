"""Delivered amounts: what the recipient confirmed receiving, spread over an agreement's lines
and written back to the offer lines (need lines have had the column since 0003).

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-05 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("offer_line", "agreement_line")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "delivered",
                    sa.Numeric(precision=14, scale=2),
                    nullable=False,
                    server_default="0",
                )
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("delivered")
