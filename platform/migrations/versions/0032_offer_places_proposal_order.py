"""Each published offer once per place it serves (`offer_place`): a need's suggestions read the
offers serving its place in its category from an index instead of scanning every published
offer. Filled from the offers already published. And proposals in list order (newest first),
so a page of them is read from an index instead of sorting every visible one.

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-06 02:20:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer_place",
        sa.Column("offer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("subcategory_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_offer_place_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "region_code", name=op.f("pk_offer_place")),
    )
    op.create_index("ix_offer_place_category", "offer_place", ["region_code", "category"])
    op.create_index(
        "ix_offer_place_subcategory", "offer_place", ["region_code", "subcategory_code"]
    )
    op.create_index("ix_proposal_created", "proposal", ["created_at"])
    op.execute(
        "INSERT INTO offer_place (offer_id, region_code, category, subcategory_code) "
        "SELECT offer_region.offer_id, offer_region.region_code, offer.category, "
        "offer.subcategory_code FROM offer_region JOIN offer ON offer.id = offer_region.offer_id "
        "WHERE offer.state = 'published'"
    )


def downgrade() -> None:
    op.drop_index("ix_proposal_created", table_name="proposal")
    op.drop_index("ix_offer_place_subcategory", table_name="offer_place")
    op.drop_index("ix_offer_place_category", table_name="offer_place")
    op.drop_table("offer_place")
