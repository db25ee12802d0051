"""Pairing both parties agree to: each side's answer on a proposal, the entries' versions a
decline holds for, need contacts, caps and hand-dropped pairs of a plan, notices to parties.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:05:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
ANSWERERS = ("answered_by_id", "organization_agreed_by_id", "recipient_agreed_by_id")


def upgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        for column in ANSWERERS:
            batch_op.add_column(sa.Column(column, GUID, nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_proposal_{column}_user_account"), "user_account", [column], ["id"]
            )
        batch_op.add_column(sa.Column("organization_agreed_at", MOMENT, nullable=True))
        batch_op.add_column(sa.Column("recipient_agreed_at", MOMENT, nullable=True))
        batch_op.add_column(
            sa.Column("need_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("offer_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.alter_column("need_version", server_default=None)
        batch_op.alter_column("offer_version", server_default=None)

    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_name", sa.String(length=50), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("contact_phone", sa.String(length=30), nullable=False, server_default="")
        )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.alter_column("contact_name", server_default=None)
        batch_op.alter_column("contact_phone", server_default=None)

    with op.batch_alter_table("signing_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county_cap", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("organization_cap", sa.Integer(), nullable=True))
    with op.batch_alter_table("plan_pair", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dropped_by_hand", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("plan_pair", schema=None) as batch_op:
        batch_op.alter_column("dropped_by_hand", server_default=None)

    op.create_table(
        "matching_notice",
        sa.Column("id", GUID, nullable=False),
        sa.Column("organization_id", GUID, nullable=True),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("proposal_id", GUID, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("read_at", MOMENT, nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_matching_notice_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_matching_notice_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_notice")),
    )
    with op.batch_alter_table("matching_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_matching_notice_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_matching_notice_township_code"), ["township_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("matching_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matching_notice_township_code"))
        batch_op.drop_index(batch_op.f("ix_matching_notice_organization_id"))
    op.drop_table("matching_notice")
    with op.batch_alter_table("plan_pair", schema=None) as batch_op:
        batch_op.drop_column("dropped_by_hand")
    with op.batch_alter_table("signing_event", schema=None) as batch_op:
        batch_op.drop_column("organization_cap")
        batch_op.drop_column("county_cap")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_name")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        for column in ("offer_version", "need_version", "recipient_agreed_at"):
            batch_op.drop_column(column)
        batch_op.drop_column("organization_agreed_at")
        for column in reversed(ANSWERERS):
            batch_op.drop_constraint(
                batch_op.f(f"fk_proposal_{column}_user_account"), type_="foreignkey"
            )
            batch_op.drop_column(column)
