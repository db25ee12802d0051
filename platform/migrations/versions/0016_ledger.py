"""The funds ledger: one table of entries per agreement, append-only in the database itself
(triggers refuse UPDATE and DELETE on PostgreSQL and SQLite).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:45:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "ledger entries are append-only: record a reversal instead"
SQLITE_TRIGGERS = tuple(
    f"""CREATE TRIGGER ledger_entry_no_{verb.lower()} BEFORE {verb} ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
)
POSTGRES_TRIGGER = (
    f"""CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; END $$""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()""",
)
GUID = advanced_alchemy.types.guid.GUID(length=16)


def upgrade() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("id", GUID, nullable=False),
        sa.Column("agreement_id", GUID, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "entry_type",
            sa.Enum(
                "commitment",
                "disbursement",
                "receipt_confirmation",
                "receipt_dispute",
                "expenditure",
                "refund",
                "reversal",
                name="entrytype",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("spend_category", sa.String(length=50), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reverses_id", GUID, nullable=True),
        sa.Column("confirms_id", GUID, nullable=True),
        sa.Column("actor_id", GUID, nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_ledger_entry_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_entry.id"],
            name=op.f("fk_ledger_entry_reverses_id_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["confirms_id"],
            ["ledger_entry.id"],
            name=op.f("fk_ledger_entry_confirms_id_ledger_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_ledger_entry_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("agreement_id", "sequence", name="uq_ledger_entry_sequence"),
    )
    op.create_index(
        op.f("ix_ledger_entry_agreement_id"), "ledger_entry", ["agreement_id"], unique=False
    )
    postgres = op.get_context().dialect.name == "postgresql"
    statements = POSTGRES_TRIGGER if postgres else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_append_only()")
    op.drop_table("ledger_entry")
