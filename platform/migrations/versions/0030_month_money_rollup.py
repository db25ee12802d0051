"""The month rows of the agreements signed or later summed per month and agreement key
(year, county, category, programme), kept by each ledger append and each termination: the
money by month reads it instead of one row per agreement and month. Filled from the month rows
already written.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=14, scale=2)
FIGURES = ("committed", "disbursed", "confirmed", "spent")
KEY = ("month", "year", "county_code", "category", "programme")
COUNTED = "('signed', 'in_progress', 'completion_confirmed', 'completed')"
"""The states the figures count (``agreements.lifecycle.SIGNED_OR_LATER`` when written)."""


def upgrade() -> None:
    op.create_table(
        "month_money_rollup",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        *(sa.Column(name, MONEY, nullable=False) for name in FIGURES),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_month_money_rollup")),
    )
    sums = ", ".join(f"sum(m.{name})" for name in FIGURES)
    op.execute(
        f"INSERT INTO month_money_rollup ({', '.join(KEY)}, {', '.join(FIGURES)}) "  # noqa: S608 - names of this file
        f"SELECT m.month, a.year, coalesce(a.county_code, ''), a.category, a.programme, {sums} "
        "FROM agreement_month_money AS m JOIN agreement AS a ON a.id = m.agreement_id "
        f"WHERE a.state IN {COUNTED} "
        "GROUP BY m.month, a.year, coalesce(a.county_code, ''), a.category, a.programme"
    )


def downgrade() -> None:
    op.drop_table("month_money_rollup")
