"""An agreement's ledger as people read it: each entry with what happened to it since (where a
disbursement stands with the recipient, which reversal cancelled it, which entry it names),
and the running totals by day that the money page draws. Pure functions of the entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from core.clock import local_date
from core.errors import N_
from funds.ledger import Balance, Receipt, balance, receipts
from funds.models import EntryType, LedgerEntry


@dataclass(frozen=True, slots=True)
class Line:
    entry: LedgerEntry
    receipt: Receipt | None
    """Where a disbursement in force stands; None for other entries and reversed ones."""
    reversed_by: LedgerEntry | None
    names: LedgerEntry | None
    """The entry a reversal cancels or a confirmation or dispute answers."""

    @property
    def day(self) -> date:
        return local_date(self.entry.created_at)

    @property
    def reversible(self) -> bool:
        return self.reversed_by is None and self.entry.entry_type is not EntryType.REVERSAL


def lines(entries: Sequence[LedgerEntry]) -> list[Line]:
    """The entries in chain order, each with its receipt, reversal and named entry."""
    by_id = {entry.id: entry for entry in entries}
    reversals = {
        entry.reverses_id: entry
        for entry in entries
        if entry.entry_type is EntryType.REVERSAL and entry.reverses_id is not None
    }
    standing = receipts(entries)
    return [
        Line(
            entry=entry,
            receipt=standing.get(entry.id),
            reversed_by=reversals.get(entry.id),
            names=by_id.get(entry.reverses_id or entry.confirms_id)  # type: ignore[arg-type]
            if (entry.reverses_id or entry.confirms_id)
            else None,
        )
        for entry in entries
    ]


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    balance: Balance
    """The balance as it stood at the end of the day (China time)."""


def timeline(entries: Sequence[LedgerEntry]) -> list[DayTotals]:
    """One point per day with entries: the balance of every entry up to that day's end, so a
    later reversal lowers the totals from its own day on and the last point is the balance."""
    points: list[DayTotals] = []
    seen: list[LedgerEntry] = []
    for day, of_day in groupby(entries, key=lambda entry: local_date(entry.created_at)):
        seen.extend(of_day)
        points.append(DayTotals(day, balance(seen)))
    return points


TOTALS = (
    (N_("Money committed"), "committed"),
    (N_("Disbursed"), "disbursed"),
    (N_("Delivered (receipt confirmed)"), "confirmed"),
    (N_("Disputed"), "disputed"),
    (N_("Awaiting confirmation"), "awaiting"),
    (N_("Spent"), "spent"),
    (N_("Refunded"), "refunded"),
)
"""The figures of the money page, in its order; the workbook's totals block says them alike."""


SERIES = ("committed", "disbursed", "confirmed", "spent")
"""The running totals the timeline draws, in the order of its legend."""


def timeline_option(points: Sequence[DayTotals], names: dict[str, str]) -> dict[str, object]:
    """The ECharts option of the timeline: one stepped line per running total, amounts as
    strings of the exact Decimal (charts read them as numbers; the table beside shows them)."""

    def figures(field: str) -> list[str]:
        return [_yuan(getattr(point.balance, field)) for point in points]

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 48, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [point.day.isoformat() for point in points]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": names[field], "type": "line", "step": "end", "data": figures(field)}
            for field in SERIES
        ],
    }


def _yuan(value: Decimal) -> str:
    return f"{value:.2f}"
