"""Agreements (帮扶协议): the agreement with its lines, indicator targets, documents and the
proposals it was made from, and the per-year counter that numbers agreements without gaps.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 21:50:59
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "agreement_proposal",
    "agreement_line",
    "agreement_indicator",
    "agreement_document",
    "agreement",
    "agreement_counter",
)
"""Dependent tables first; their indexes go with them."""


def upgrade() -> None:
    op.create_table(
        "agreement_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_agreement_counter")),
    )
    op.create_table(
        "agreement",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
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
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "signed",
                "in_progress",
                "completion_confirmed",
                "completed",
                "terminated",
                name="agreementstate",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("organization_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "recipient_kind",
            sa.Enum(
                "village",
                "township",
                "county",
                "department",
                name="recipientkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_region_code", sa.String(length=12), nullable=True),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("county_code", sa.String(length=12), nullable=True),
        sa.Column("department_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("event_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("organization_signatory", sa.String(length=50), nullable=False),
        sa.Column("recipient_signatory", sa.String(length=50), nullable=False),
        sa.Column("organization_contact_name", sa.String(length=50), nullable=False),
        sa.Column("organization_contact_phone", sa.String(length=30), nullable=False),
        sa.Column("recipient_contact_name", sa.String(length=50), nullable=False),
        sa.Column("recipient_contact_phone", sa.String(length=30), nullable=False),
        sa.Column(
            "organization_confirmed_by_id",
            advanced_alchemy.types.guid.GUID(length=16),
            nullable=True,
        ),
        sa.Column(
            "organization_confirmed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "recipient_confirmed_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True
        ),
        sa.Column(
            "recipient_confirmed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "signed_on_paper_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True
        ),
        sa.Column(
            "completion_confirmed_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True
        ),
        sa.Column(
            "completion_confirmed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "completed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "terminated_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("termination_reason", sa.Text(), nullable=False),
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
            ["completion_confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_completion_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_agreement_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["signing_event.id"],
            name=op.f("fk_agreement_event_id_signing_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_organization_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_agreement_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_recipient_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_region_code"],
            ["region.code"],
            name=op.f("fk_agreement_recipient_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_on_paper_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_signed_on_paper_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("number", name=op.f("uq_agreement_number")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_category"), ["category"], unique=False)
        batch_op.create_index("ix_agreement_county_state", ["county_code", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreement_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreement_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_programme"), ["programme"], unique=False)
        batch_op.create_index("ix_agreement_state_year", ["state", "year"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreement_township_code"), ["township_code"], unique=False
        )

    op.create_table(
        "agreement_document",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agreement_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("signed_scan", "annex", name="documentkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_document_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_document_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_document")),
    )
    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_document_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "agreement_indicator",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agreement_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("baseline", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("target", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "monthly",
                "quarterly",
                "half_yearly",
                "yearly",
                "at_end",
                name="reportingfrequency",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_indicator_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_indicator")),
    )
    with op.batch_alter_table("agreement_indicator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_indicator_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "agreement_line",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agreement_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
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
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("covers", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("need_line_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("offer_line_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_line_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_line_id"],
            ["need_line.id"],
            name=op.f("fk_agreement_line_need_line_id_need_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_agreement_line_proposal_id_proposal"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_line_id"],
            ["offer_line.id"],
            name=op.f("fk_agreement_line_offer_line_id_offer_line"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_line")),
    )
    with op.batch_alter_table("agreement_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_line_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_line_need_line_id"), ["need_line_id"], unique=False
        )

    op.create_table(
        "agreement_proposal",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agreement_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_proposal_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_agreement_proposal_proposal_id_proposal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_proposal")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_agreement_proposal_proposal_id")),
    )
    with op.batch_alter_table("agreement_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_proposal_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
