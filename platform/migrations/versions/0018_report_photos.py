"""Report photos: the images an organization adds to its progress report, kept in the content
store by digest; and who last returned a report, and when, beside its reason.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 01:06:22
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_photo",
        sa.Column("id", GUID, nullable=False),
        sa.Column("report_id", GUID, nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", GUID, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_report.id"],
            name=op.f("fk_report_photo_report_id_progress_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_report_photo_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_photo")),
    )
    with op.batch_alter_table("report_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_photo_report_id"), ["report_id"], unique=False)

    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_by_id", GUID, nullable=True))
        batch_op.add_column(sa.Column("returned_at", MOMENT, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_progress_report_returned_by_id_user_account"),
            "user_account",
            ["returned_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_progress_report_returned_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("returned_at")
        batch_op.drop_column("returned_by_id")

    with op.batch_alter_table("report_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_photo_report_id"))

    op.drop_table("report_photo")
