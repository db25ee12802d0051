"""Stations can be closed, entries record who entered them on the owner's behalf (代录), and a
purchase line keeps its quantity in its own unit with an optional value in yuan.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:50:00
"""

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY_TABLES = ("need", "offer")
LINE_TABLES = ("need_line", "offer_line")


def upgrade() -> None:
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    for table in ENTRY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "entered_on_behalf_by_id",
                    advanced_alchemy.types.guid.GUID(length=16),
                    nullable=True,
                )
            )
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_entered_on_behalf_by_id_user_account"),
                "user_account",
                ["entered_on_behalf_by_id"],
                ["id"],
            )
    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("value", sa.Numeric(14, 2), nullable=True))


def downgrade() -> None:
    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("value")
    for table in ENTRY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                op.f(f"fk_{table}_entered_on_behalf_by_id_user_account"), type_="foreignkey"
            )
            batch_op.drop_column("entered_on_behalf_by_id")
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.drop_column("is_active")
