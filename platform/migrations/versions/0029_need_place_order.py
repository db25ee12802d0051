"""Needs of one county or township in list order whatever their state: a reviewer's list of a
county reads its newest twenty from this index instead of sorting every need of the county.

Revision ID: 0029
Revises: 0026
Create Date: 2026-12-06 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_need_county_published", "need", ["county_code", "published_at"])
    op.create_index("ix_need_township_published", "need", ["township_code", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_need_township_published", table_name="need")
    op.drop_index("ix_need_county_published", table_name="need")
