"""Administrative divisions (the Region table).

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:35:27.527219
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("short_name", sa.String(length=64), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "city",
                "county",
                "township",
                "village",
                name="regionlevel",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["region.code"],
            name=op.f("fk_region_parent_code_region"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_full_name"), ["full_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_region_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_region_short_name"), ["short_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_short_name"))
        batch_op.drop_index(batch_op.f("ix_region_parent_code"))
        batch_op.drop_index(batch_op.f("ix_region_full_name"))

    op.drop_table("region")
