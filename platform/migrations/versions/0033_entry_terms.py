"""The segmented words of each need's and offer's text, stored beside the entries so that a
signing-event plan reads them instead of cutting every entry's text again. Entries already
written get theirs from ``xiangxing matching store-terms`` (cutting Chinese text needs the
application's dictionary); until then a plan cuts their text as it reads them.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 02:20:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_terms",
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("checksum", sa.BigInteger(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_entry_terms")),
    )


def downgrade() -> None:
    op.drop_table("entry_terms")
