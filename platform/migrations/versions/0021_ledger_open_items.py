"""The ledger entries that still wait for something (a disbursement neither confirmed nor
disputed, an expenditure without evidence), kept beside the money summary by every append
(``funds.summary``) so that the follow-up counts its alerts from these rows instead of judging
the whole ledger; filled here from the ledgers already written, by the same rules.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 23:20:00
"""

from collections.abc import Sequence
from itertools import groupby
from operator import attrgetter

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from uuid_utils.compat import uuid7

from core.columns import value_enum
from funds.models import EntryType, OpenItemKind
from funds.summary import open_items

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
LEDGER = sa.table(
    "ledger_entry",
    sa.column("id", GUID),
    sa.column("agreement_id", GUID),
    sa.column("sequence", sa.Integer()),
    sa.column("entry_type", value_enum(EntryType, 24)),
    sa.column("amount", sa.Numeric(precision=14, scale=2)),
    sa.column("evidence", sa.Text()),
    sa.column("reverses_id", GUID),
    sa.column("confirms_id", GUID),
    sa.column("created_at", MOMENT),
)


def upgrade() -> None:
    table = op.create_table(
        "ledger_open_item",
        sa.Column("id", GUID, nullable=False),
        sa.Column("agreement_id", GUID, nullable=False),
        sa.Column("entry_id", GUID, nullable=False),
        sa.Column("kind", value_enum(OpenItemKind, 16), nullable=False),
        sa.Column("recorded_at", MOMENT, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_ledger_open_item_agreement_id_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
            name=op.f("fk_ledger_open_item_entry_id_ledger_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_open_item")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_ledger_open_item_entry_id")),
    )
    op.create_index(op.f("ix_ledger_open_item_agreement_id"), "ledger_open_item", ["agreement_id"])
    op.create_index(
        "ix_ledger_open_item_kind_recorded_at", "ledger_open_item", ["kind", "recorded_at"]
    )
    entries = op.get_bind().execute(
        sa.select(LEDGER).order_by(LEDGER.c.agreement_id, LEDGER.c.sequence)
    )
    for agreement_id, rows in groupby(entries, key=attrgetter("agreement_id")):
        waiting = open_items(agreement_id, list(rows))
        if waiting:
            op.bulk_insert(table, [{"id": uuid7(), **item} for item in waiting])


def downgrade() -> None:
    op.drop_table("ledger_open_item")
