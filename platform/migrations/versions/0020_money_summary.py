"""Each agreement's money in force, in total and per calendar month in China, kept beside the
ledger by every append (``funds.summary``) so the monitoring figures stay fast at a million
entries; filled here from the ledgers already written, by the same rules. And an index that
counts the needs published per category without reading the table.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 02:10:00
"""

from collections.abc import Sequence
from itertools import groupby
from operator import attrgetter

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from uuid_utils.compat import uuid7

from core.columns import value_enum
from funds.models import EntryType
from funds.summary import summary_rows

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
MONEY = sa.Numeric(precision=14, scale=2)
FIGURES = ("committed", "disbursed", "confirmed", "spent")
LEDGER = sa.table(
    "ledger_entry",
    sa.column("id", GUID),
    sa.column("agreement_id", GUID),
    sa.column("sequence", sa.Integer()),
    sa.column("entry_type", value_enum(EntryType, 24)),
    sa.column("amount", MONEY),
    sa.column("reverses_id", GUID),
    sa.column("confirms_id", GUID),
    sa.column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
)


def _figures() -> list[sa.Column]:
    return [sa.Column(name, MONEY, nullable=False) for name in FIGURES]


def _common(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", GUID, nullable=False),
        sa.Column("agreement_id", GUID, nullable=False),
        *_figures(),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f(f"fk_{table}_agreement_id_agreement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    whole = op.create_table(
        "agreement_money",
        *_common("agreement_money"),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_agreement_money_agreement_id")),
    )
    monthly = op.create_table(
        "agreement_month_money",
        *_common("agreement_month_money"),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.UniqueConstraint("agreement_id", "month", name="uq_agreement_month_money_month"),
    )
    op.create_index("ix_need_category_published", "need", ["category", "published_at"])
    entries = op.get_bind().execute(
        sa.select(LEDGER).order_by(LEDGER.c.agreement_id, LEDGER.c.sequence)
    )
    for agreement_id, rows in groupby(entries, key=attrgetter("agreement_id")):
        total, months = summary_rows(agreement_id, list(rows))
        op.bulk_insert(whole, [{"id": uuid7(), **total}])
        if months:
            op.bulk_insert(monthly, [{"id": uuid7(), **month} for month in months])


def downgrade() -> None:
    op.drop_index("ix_need_category_published", table_name="need")
    op.drop_table("agreement_month_money")
    op.drop_table("agreement_money")
