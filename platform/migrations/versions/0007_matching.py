"""Matching: proposals with their line amounts, signing events and their draft plan pairs.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:54:18.255065
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_event",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("county_codes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "planned_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("uncovered", sa.JSON(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_signing_event_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_event")),
    )
    with op.batch_alter_table("signing_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_event_held_on"), ["held_on"], unique=False)

    op.create_table(
        "proposal",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("need_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("offer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("organization_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "accepted",
                "declined",
                "withdrawn",
                "expired",
                "converted",
                name="proposalstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "proposed_by",
            sa.Enum("need", "offer", "reviewer", name="side", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("proposed_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("answer_reason", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column(
            "expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "answered_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("event_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["signing_event.id"],
            name=op.f("fk_proposal_event_id_signing_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_proposal_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_proposal_offer_id_offer"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_proposal_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_proposed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(
            "ix_proposal_organization_state", ["organization_id", "state"], unique=False
        )
        batch_op.create_index("ix_proposal_state_expires", ["state", "expires_at"], unique=False)

    op.create_table(
        "plan_pair",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("event_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("need_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("offer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("added_by_hand", sa.Boolean(), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["signing_event.id"],
            name=op.f("fk_plan_pair_event_id_signing_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_plan_pair_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_plan_pair_offer_id_offer"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_plan_pair_proposal_id_proposal"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_pair")),
        sa.UniqueConstraint("event_id", "need_id", "offer_id", name=op.f("uq_plan_pair_event_id")),
    )
    op.create_table(
        "proposal_line",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("need_line_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("offer_line_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_line_id"],
            ["need_line.id"],
            name=op.f("fk_proposal_line_need_line_id_need_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_line_id"],
            ["offer_line.id"],
            name=op.f("fk_proposal_line_offer_line_id_offer_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_proposal_line_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_line")),
    )
    with op.batch_alter_table("proposal_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_line_proposal_id"), ["proposal_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_line_proposal_id"))

    op.drop_table("proposal_line")
    op.drop_table("plan_pair")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_state_expires")
        batch_op.drop_index("ix_proposal_organization_state")
        batch_op.drop_index(batch_op.f("ix_proposal_offer_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_need_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_event_id"))

    op.drop_table("proposal")
    with op.batch_alter_table("signing_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_event_held_on"))

    op.drop_table("signing_event")
