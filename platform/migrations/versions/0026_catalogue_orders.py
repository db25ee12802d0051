"""The catalogue's orders besides the newest first: each entry's total in 元 and each need's
urgency as a number kept beside it, filled here from the lines and flags already written, and
an index per order so that every order of the public list is read in index order.

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-05 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
ENTRIES = (
    ("need", "need_line", "need_id", "sought"),
    ("offer", "offer_line", "offer_id", "offered"),
)
INDEXES = (
    ("ix_need_state_amount", "need", ["state", "amount", "published_at"]),
    ("ix_need_state_deadline", "need", ["state", "deadline", "published_at"]),
    ("ix_need_state_urgency", "need", ["state", "urgency_weight", "published_at"]),
    ("ix_offer_state_amount", "offer", ["state", "amount", "published_at"]),
    ("ix_offer_state_valid_until", "offer", ["state", "valid_until", "published_at"]),
)


def upgrade() -> None:
    for table, _lines, _key, _amount in ENTRIES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("amount", MONEY, nullable=False, server_default="0"))
    with op.batch_alter_table("need") as batch:
        batch.add_column(
            sa.Column("urgency_weight", sa.SmallInteger(), nullable=False, server_default="0")
        )
    for table, lines, key, amount in ENTRIES:
        # A line counts in 元 when its unit says so; funds and purchases without a unit of
        # their own are in 元 too (`LineKind.default_unit`).
        op.execute(
            f"UPDATE {table} SET amount = COALESCE((SELECT SUM({amount}) FROM {lines}"  # noqa: S608 (fixed names)
            f" WHERE {lines}.{key} = {table}.id AND ({lines}.unit = '元'"
            f" OR ({lines}.unit = '' AND {lines}.kind IN ('funds', 'purchase')))), 0)"
        )
    op.execute(
        "UPDATE need SET urgency_weight = CASE urgency"
        " WHEN 'red' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END"
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("need") as batch:
        batch.drop_column("urgency_weight")
    for table, _lines, _key, _amount in ENTRIES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("amount")
