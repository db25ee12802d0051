"""Indexes for the catalogue's filtered lists: filter column, state, publication order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 00:54:03.133106
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_category"))
        batch_op.drop_index(batch_op.f("ix_need_county_code"))
        batch_op.drop_index(batch_op.f("ix_need_township_code"))
        batch_op.drop_index(batch_op.f("ix_need_urgency"))
        batch_op.create_index(
            "ix_need_category_state_published", ["category", "state", "published_at"], unique=False
        )
        batch_op.create_index(
            "ix_need_county_state_published", ["county_code", "state", "published_at"], unique=False
        )
        batch_op.create_index(
            "ix_need_township_state_published",
            ["township_code", "state", "published_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_need_urgency_state_published", ["urgency", "state", "published_at"], unique=False
        )

    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_category"))
        batch_op.create_index(
            "ix_offer_category_state_published", ["category", "state", "published_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_category_state_published")
        batch_op.create_index(batch_op.f("ix_offer_category"), ["category"], unique=False)

    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index("ix_need_urgency_state_published")
        batch_op.drop_index("ix_need_township_state_published")
        batch_op.drop_index("ix_need_county_state_published")
        batch_op.drop_index("ix_need_category_state_published")
        batch_op.create_index(batch_op.f("ix_need_urgency"), ["urgency"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_township_code"), ["township_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_category"), ["category"], unique=False)
