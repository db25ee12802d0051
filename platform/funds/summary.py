"""Each agreement's money in force, in total and per calendar month in China, kept beside the
ledger so that the monitoring figures sum one row per agreement (or per agreement and month)
instead of judging every entry of a million-line ledger on each request.

The rows are derived, never edited: ``LedgerService.append`` rewrites the agreement's rows from
its whole ledger (``summarise``, the rules of ``funds.ledger``) in the transaction of the entry,
with the agreement row locked, so they change exactly when the ledger does and cannot drift
under concurrent appends. A reversal takes its entry's amount out of the month that entry was
booked in; a confirmation delivers its disbursement's amount in the confirmation's own month.
Beside them, the entries that still wait for something (``ledger_open_item``): disbursements
in force not yet confirmed or disputed, and expenditures in force without evidence, from which
the follow-up counts its alerts. ``xiangxing ledger verify`` recomputes all three tables from
the ledger and names any difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement
from core.clock import local_date
from core.columns import ZERO
from funds.ledger import Posted, delivered, in_force_of_type, unanswered
from funds.models import (
    FIGURES,
    AgreementMoney,
    EntryType,
    LedgerOpenItem,
    MonthMoney,
    OpenItemKind,
)
from funds.rollup import shift_rollup

SUMMED = {
    EntryType.COMMITMENT: "committed",
    EntryType.DISBURSEMENT: "disbursed",
    EntryType.EXPENDITURE: "spent",
}
"""The entries that count under a figure of their own; confirmations deliver (``confirmed``)."""


class Booked(Posted, Protocol):
    created_at: datetime
    evidence: str


def china_month(moment: datetime) -> str:
    """``YYYY-MM`` of the moment on the bureau's wall calendar."""
    return local_date(moment).strftime("%Y-%m")


def summarise(entries: Sequence[Booked]) -> dict[str, dict[str, Decimal]]:
    """The figures in force of one agreement's entries, per month they were booked in (a
    month where nothing stays in force has no row)."""
    months: dict[str, dict[str, Decimal]] = {}

    def add(figure: str, amount: Decimal, moment: datetime) -> None:
        month = months.setdefault(china_month(moment), dict.fromkeys(FIGURES, ZERO))
        month[figure] += amount

    for entry_type, figure in SUMMED.items():
        for entry in in_force_of_type(entries, entry_type):
            add(figure, entry.amount, entry.created_at)
    confirmed = {disbursement.id for disbursement in delivered(entries)}
    for confirmation in in_force_of_type(entries, EntryType.RECEIPT_CONFIRMATION):
        if confirmation.confirms_id in confirmed:
            add("confirmed", confirmation.amount, confirmation.created_at)
    return months


def total(months: dict[str, dict[str, Decimal]]) -> dict[str, Decimal]:
    """The agreement's figures over all its months."""
    return {name: sum((month[name] for month in months.values()), ZERO) for name in FIGURES}


def summary_rows(agreement_id: UUID, entries: Sequence[Booked]) -> tuple[dict, list[dict]]:
    """The agreement's row of ``agreement_money`` and its rows of ``agreement_month_money``."""
    months = summarise(entries)
    whole = {"agreement_id": agreement_id, **total(months)}
    monthly = [
        {"agreement_id": agreement_id, "month": month, **figures}
        for month, figures in sorted(months.items())
    ]
    return whole, monthly


def open_items(agreement_id: UUID, entries: Sequence[Booked]) -> list[dict]:
    """The agreement's rows of ``ledger_open_item``: the rules of ``funds.ledger`` that the
    follow-up's alerts read (``followup.alerts``)."""
    waiting = [(entry, OpenItemKind.UNANSWERED) for entry in unanswered(entries)] + [
        (entry, OpenItemKind.UNEVIDENCED)
        for entry in in_force_of_type(entries, EntryType.EXPENDITURE)
        if not entry.evidence.strip()
    ]
    return [
        {
            "agreement_id": agreement_id,
            "entry_id": entry.id,
            "kind": kind,
            "recorded_at": entry.created_at,
        }
        for entry, kind in waiting
    ]


async def write_summary(
    session: AsyncSession, agreement: Agreement, entries: Sequence[Booked]
) -> None:
    """Replace the agreement's summary rows with those of its ledger as it now stands, and
    move the difference of its month rows into the rollup (``funds.rollup``)."""
    whole, monthly = summary_rows(agreement.id, entries)
    waiting = open_items(agreement.id, entries)
    before = {
        row.month: {name: getattr(row, name) for name in FIGURES}
        for row in await session.execute(
            select(MonthMoney.month, *(getattr(MonthMoney, name) for name in FIGURES)).where(
                MonthMoney.agreement_id == agreement.id
            )
        )
    }
    for model in (AgreementMoney, MonthMoney, LedgerOpenItem):
        await session.execute(delete(model).where(model.agreement_id == agreement.id))
    await session.execute(insert(AgreementMoney), [whole])
    for model, rows in ((MonthMoney, monthly), (LedgerOpenItem, waiting)):
        if rows:
            await session.execute(insert(model), rows)
    after = {row["month"]: {name: row[name] for name in FIGURES} for row in monthly}
    await shift_rollup(session, agreement, before, after)
