"""The ledger in SQL: each entry in force with its amount under the figure it moves, so
aggregates are sums and never loops over entries.

The figures read the summary ``funds.summary`` keeps at each append (``agreement_money``,
``agreement_month_money``); these live rules recompute it from the entries, so that
``xiangxing ledger verify`` can name any difference, and choose the IATI transactions in force.
They are the rules of ``funds.ledger.balance`` written as conditions: a reversed entry and
the reversal itself count for nothing; a disbursement is delivered (``confirmed``) once a
confirmation in force answers it, and the confirmation carries the disbursement's amount; a
confirmation of a reversed disbursement delivers nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, FromClause, Select, Subquery, and_, case, exists, func, select
from sqlalchemy.orm import aliased

from core.columns import MONEY
from funds.in_force import in_force, not_reversed
from funds.models import FIGURES, EntryType, LedgerEntry
from monitoring.local_time import local_month


def _delivered() -> ColumnElement[bool]:
    """A confirmation answering a disbursement still in force."""
    disbursement = aliased(LedgerEntry)
    return and_(
        LedgerEntry.entry_type == EntryType.RECEIPT_CONFIRMATION,
        exists().where(
            disbursement.id == LedgerEntry.confirms_id,
            disbursement.entry_type == EntryType.DISBURSEMENT,
            not_reversed(disbursement),
        ),
    )


def _amount_when(condition: ColumnElement[bool]) -> ColumnElement[object]:
    return case((condition, LedgerEntry.amount), else_=0)


def ledger_money() -> Subquery:
    """One row per entry in force: ``agreement_id``, ``booked_at`` and the four figures."""
    kinds = {
        "committed": LedgerEntry.entry_type == EntryType.COMMITMENT,
        "disbursed": LedgerEntry.entry_type == EntryType.DISBURSEMENT,
        "confirmed": _delivered(),
        "spent": LedgerEntry.entry_type == EntryType.EXPENDITURE,
    }
    return (
        select(
            LedgerEntry.agreement_id,
            LedgerEntry.created_at.label("booked_at"),
            *(_amount_when(kinds[name]).label(name) for name in FIGURES),
        )
        .where(in_force(LedgerEntry))
        .subquery("money")
    )


def sums(money: FromClause) -> list[ColumnElement[object]]:
    """The four figures summed over the rows grouped (zero where there are none)."""
    return [func.coalesce(func.sum(money.c[name]), 0, type_=MONEY).label(name) for name in FIGURES]


def live_per_month(dialect: str) -> Select[tuple]:
    """The four figures of each agreement and calendar month in China with entries in
    force, recomputed from the ledger: what ``agreement_month_money`` must hold."""
    money = ledger_money()
    month = local_month(money.c.booked_at, dialect).label("month")
    return select(money.c.agreement_id, month, *sums(money)).group_by(money.c.agreement_id, month)
