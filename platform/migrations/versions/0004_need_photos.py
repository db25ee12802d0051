"""Photos of needs: each row describes one image file stored under var/uploads/needs/.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 00:34:52.178592
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "need_photo",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("need_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("caption", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_need_photo_need_id_need"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_photo")),
    )
    with op.batch_alter_table("need_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_photo_need_id"), ["need_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("need_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_photo_need_id"))

    op.drop_table("need_photo")
