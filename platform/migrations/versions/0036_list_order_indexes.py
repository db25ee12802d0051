"""Lists in every state read their page from an index in list order: ``published_at`` then
``id``. A reviewer's list orders by ``published_at DESC, id DESC``; drafts never published
(``published_at`` NULL) come first in that order, and with indexes ending in ``published_at``
PostgreSQL read and sorted every one of them for each page.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 12:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | Sequence[str] | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_LIST_ORDER = {
    "ix_need_published_at": ("need", []),
    "ix_need_county_published": ("need", ["county_code"]),
    "ix_need_township_published": ("need", ["township_code"]),
    "ix_need_category_published": ("need", ["category"]),
    "ix_offer_published_at": ("offer", []),
}
"""Each index, its table and the columns before ``published_at``."""


def upgrade() -> None:
    for name, (table, leading) in IN_LIST_ORDER.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [*leading, "published_at", "id"])


def downgrade() -> None:
    for name, (table, leading) in IN_LIST_ORDER.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [*leading, "published_at"])
