"""The catalogue: categories, offers and needs with their lines, entry history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:07:47.504432
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("name_zh", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["category.code"], name=op.f("fk_category_parent_code_category")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_category")),
    )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "entry_event",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "entry_kind",
            sa.Enum("offer", "need", name="entrykind", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "occurred_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("state_before", sa.String(length=16), nullable=True),
        sa.Column("state_after", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_event")),
    )
    with op.batch_alter_table("entry_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_event_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "need",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("station_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "station", "association", "department", name="channel", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("channel_name", sa.String(length=100), nullable=False),
        sa.Column("beneficiary_count", sa.Integer(), nullable=False),
        sa.Column("beneficiary_groups", sa.JSON(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum("red", "yellow", "green", name="urgency", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "verified_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column(
            "category",
            sa.Enum(
                "industry",
                "talent",
                "public_services",
                "special_groups",
                "consumption",
                name="topcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subcategory_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "published",
                "closed",
                "withdrawn",
                name="entrystate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("returned_reason", sa.Text(), nullable=True),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "published_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "closed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["county_code"], ["region.code"], name=op.f("fk_need_county_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_need_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_need_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_need_station_id_station")
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_code"], ["category.code"], name=op.f("fk_need_subcategory_code_category")
        ),
        sa.ForeignKeyConstraint(
            ["township_code"], ["region.code"], name=op.f("fk_need_township_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_state"), ["state"], unique=False)
        batch_op.create_index("ix_need_state_published", ["state", "published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_station_id"), ["station_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_need_subcategory_code"), ["subcategory_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_need_township_code"), ["township_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_urgency"), ["urgency"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("organization_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("capacity_used", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "industry",
                "talent",
                "public_services",
                "special_groups",
                "consumption",
                name="topcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subcategory_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "published",
                "closed",
                "withdrawn",
                name="entrystate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("returned_reason", sa.Text(), nullable=True),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "published_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "closed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_offer_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_offer_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["subcategory_code"], ["category.code"], name=op.f("fk_offer_subcategory_code_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offer_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_offer_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_state"), ["state"], unique=False)
        batch_op.create_index("ix_offer_state_published", ["state", "published_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offer_subcategory_code"), ["subcategory_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_offer_valid_until"), ["valid_until"], unique=False)

    op.create_table(
        "need_line",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("need_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sought", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("committed", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("delivered", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "funds",
                "goods",
                "person_days",
                "purchase",
                name="linekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_need_line_need_id_need"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_line")),
    )
    with op.batch_alter_table("need_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_line_need_id"), ["need_id"], unique=False)

    op.create_table(
        "offer_line",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("offer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("offered", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("committed", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "funds",
                "goods",
                "person_days",
                "purchase",
                name="linekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_offer_line_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_line")),
    )
    with op.batch_alter_table("offer_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_line_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "offer_region",
        sa.Column("offer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_offer_region_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_offer_region_region_code_region")
        ),
        sa.PrimaryKeyConstraint("offer_id", "region_code", name=op.f("pk_offer_region")),
    )
    with op.batch_alter_table("offer_region", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offer_region_region_code"), ["region_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("offer_region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_region_region_code"))

    op.drop_table("offer_region")
    with op.batch_alter_table("offer_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_line_offer_id"))

    op.drop_table("offer_line")
    with op.batch_alter_table("need_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_line_need_id"))

    op.drop_table("need_line")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_valid_until"))
        batch_op.drop_index(batch_op.f("ix_offer_subcategory_code"))
        batch_op.drop_index("ix_offer_state_published")
        batch_op.drop_index(batch_op.f("ix_offer_state"))
        batch_op.drop_index(batch_op.f("ix_offer_published_at"))
        batch_op.drop_index(batch_op.f("ix_offer_organization_id"))
        batch_op.drop_index(batch_op.f("ix_offer_category"))

    op.drop_table("offer")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_urgency"))
        batch_op.drop_index(batch_op.f("ix_need_township_code"))
        batch_op.drop_index(batch_op.f("ix_need_subcategory_code"))
        batch_op.drop_index(batch_op.f("ix_need_station_id"))
        batch_op.drop_index("ix_need_state_published")
        batch_op.drop_index(batch_op.f("ix_need_state"))
        batch_op.drop_index(batch_op.f("ix_need_region_code"))
        batch_op.drop_index(batch_op.f("ix_need_published_at"))
        batch_op.drop_index(batch_op.f("ix_need_deadline"))
        batch_op.drop_index(batch_op.f("ix_need_county_code"))
        batch_op.drop_index(batch_op.f("ix_need_category"))

    op.drop_table("need")
    with op.batch_alter_table("entry_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_event_entry_id"))

    op.drop_table("entry_event")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_parent_code"))

    op.drop_table("category")
