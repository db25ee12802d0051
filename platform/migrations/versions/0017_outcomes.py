"""Outcomes: progress reports per agreement and reporting period, and the actual value of
each indicator they report.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 23:38:53
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_report",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agreement_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "resubmitted",
                "approved",
                name="reportstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("submitted_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("approved_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "approved_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_progress_report_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_progress_report_approved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_progress_report_submitted_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report")),
        sa.UniqueConstraint(
            "agreement_id",
            "period_start",
            "period_end",
            name=op.f("uq_progress_report_agreement_id"),
        ),
    )
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_report_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "indicator_value",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("report_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("indicator_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("actual", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["agreement_indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_agreement_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_report.id"],
            name=op.f("fk_indicator_value_report_id_progress_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint("report_id", "indicator_id", name=op.f("uq_indicator_value_report_id")),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_value_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_indicator_value_report_id"), ["report_id"], unique=False
        )


TABLES = ("indicator_value", "progress_report")
"""Dependent tables first; their indexes go with them."""


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
