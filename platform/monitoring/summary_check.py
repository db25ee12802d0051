"""The money summary (``funds.summary``) against the ledger it summarises: every agreement's
row and every month's row recomputed from the entries by the rules in SQL
(``monitoring.money``), a second writing of ``funds.ledger`` independent of the one that keeps
the summary, and each difference named. A month or agreement without a row counts as zero.
The open items (entries still waiting for an answer or for evidence) are judged in SQL the
same way and compared entry by entry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import CompoundSelect, exists, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.columns import ZERO
from funds.in_force import not_reversed
from funds.models import (
    FIGURES,
    AgreementMoney,
    EntryType,
    LedgerEntry,
    LedgerOpenItem,
    MonthMoney,
    MonthRollup,
    OpenItemKind,
)
from monitoring.money import live_per_month

WHITESPACE = " \t\n\r\u3000"
"""What ``str.strip`` takes off evidence that people type: blanks, tabs, line breaks and the
ideographic space."""
Key = tuple[UUID, str | None]
"""An agreement and a month, or no month for the agreement's whole row."""


@dataclass(frozen=True, slots=True)
class SummaryDifference:
    agreement_id: UUID
    month: str | None
    figure: str
    stored: Decimal
    ledger: Decimal

    def __str__(self) -> str:
        where = f"month {self.month}" if self.month else "total"
        return (
            f"agreement {self.agreement_id}, {where}: {self.figure} is {self.stored} "
            f"in the summary, {self.ledger} by the ledger"
        )


@dataclass(frozen=True, slots=True)
class OpenItemDifference:
    agreement_id: UUID
    entry_id: UUID
    kind: OpenItemKind
    kept: bool
    """Kept in the summary but not open by the ledger; else open by the ledger and missing."""

    def __str__(self) -> str:
        where, not_where = ("in the summary", "by the ledger")
        if not self.kept:
            where, not_where = not_where, where
        return (
            f"agreement {self.agreement_id}, entry {self.entry_id}: open as {self.kind} "
            f"{where}, not {not_where}"
        )


@dataclass(frozen=True, slots=True)
class RollupDifference:
    key: tuple[str, int, str, str, str]
    """Month, year, county (empty without one), category and programme."""
    figure: str
    stored: Decimal
    ledger: Decimal

    def __str__(self) -> str:
        return (
            f"month rollup {'/'.join(map(str, self.key))}: {self.figure} is {self.stored} "
            f"in the rollup, {self.ledger} by the ledger"
        )


Difference = SummaryDifference | OpenItemDifference | RollupDifference


def _open_by_ledger() -> CompoundSelect:
    """The entries the rules of ``funds.ledger`` leave open, judged in SQL."""
    entry, answer = aliased(LedgerEntry), aliased(LedgerEntry)
    unanswered = select(entry.agreement_id, entry.id, literal(OpenItemKind.UNANSWERED.value)).where(
        entry.entry_type == EntryType.DISBURSEMENT,
        not_reversed(entry),
        ~exists().where(
            answer.agreement_id == entry.agreement_id,
            answer.confirms_id == entry.id,
            answer.entry_type.in_((EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE)),
            not_reversed(answer),
        ),
    )
    unevidenced = select(
        entry.agreement_id, entry.id, literal(OpenItemKind.UNEVIDENCED.value)
    ).where(
        entry.entry_type == EntryType.EXPENDITURE,
        func.trim(entry.evidence, WHITESPACE) == "",
        not_reversed(entry),
    )
    return union_all(unanswered, unevidenced)


async def open_item_differences(session: AsyncSession) -> list[OpenItemDifference]:
    """Every entry open by the ledger but not in the summary's open items, and the reverse."""
    by_ledger = {
        (agreement_id, entry_id, OpenItemKind(kind))
        for agreement_id, entry_id, kind in await session.execute(_open_by_ledger())
    }
    kept = {
        (agreement_id, entry_id, kind)
        for agreement_id, entry_id, kind in await session.execute(
            select(LedgerOpenItem.agreement_id, LedgerOpenItem.entry_id, LedgerOpenItem.kind)
        )
    }
    return [
        OpenItemDifference(item[0], item[1], item[2], kept=item in kept)
        for item in sorted(by_ledger ^ kept, key=lambda item: (item[0], item[1]))
    ]


def _figures(rows: Iterable[object], month: bool) -> dict[Key, tuple[Decimal, ...]]:
    return {
        (row.agreement_id, row.month if month else None): tuple(  # type: ignore[attr-defined]
            getattr(row, name) or ZERO for name in FIGURES
        )
        for row in rows
    }


async def rollup_differences(
    session: AsyncSession, ledger: dict[Key, tuple[Decimal, ...]]
) -> list[RollupDifference]:
    """The rollup (``funds.rollup``) against the ledger's month figures of each counted
    agreement summed by the agreement's key; a key without a row counts as zero."""
    keys = {
        row.id: (row.year, row.county_code or "", str(row.category), row.programme)
        for row in await session.execute(
            select(
                Agreement.id,
                Agreement.year,
                Agreement.county_code,
                Agreement.category,
                Agreement.programme,
            ).where(Agreement.state.in_(SIGNED_OR_LATER))
        )
    }
    by_ledger: dict[tuple[str, int, str, str, str], list[Decimal]] = defaultdict(
        lambda: [ZERO] * len(FIGURES)
    )
    for (agreement_id, month), figures in ledger.items():
        if month is not None and agreement_id in keys:
            summed = by_ledger[(month, *keys[agreement_id])]
            summed[:] = [a + b for a, b in zip(summed, figures, strict=True)]
    stored = {
        (row.month, row.year, row.county_code, str(row.category), row.programme): [
            getattr(row, name) for name in FIGURES
        ]
        for row in await session.execute(select(MonthRollup.__table__))
    }
    nothing = [ZERO] * len(FIGURES)
    return [
        RollupDifference(key, name, kept, computed)
        for key in sorted(by_ledger.keys() | stored.keys())
        for name, kept, computed in zip(
            FIGURES, stored.get(key, nothing), by_ledger.get(key, nothing), strict=True
        )
        if kept != computed
    ]


async def summary_differences(session: AsyncSession) -> tuple[int, list[Difference]]:
    """How many agreements the ledger has money rows for, and every figure and open item that
    differs."""
    dialect = session.get_bind().dialect.name
    ledger = _figures(await session.execute(live_per_month(dialect)), month=True)
    totals: dict[Key, list[Decimal]] = defaultdict(lambda: [ZERO] * len(FIGURES))
    for (agreement_id, _), figures in ledger.items():
        total = totals[(agreement_id, None)]
        total[:] = [a + b for a, b in zip(total, figures, strict=True)]
    ledger.update({key: tuple(figures) for key, figures in totals.items()})
    stored = _figures(await session.execute(select(MonthMoney.__table__)), month=True)
    stored.update(_figures(await session.execute(select(AgreementMoney.__table__)), month=False))
    nothing = (ZERO,) * len(FIGURES)
    found: list[Difference] = [
        SummaryDifference(key[0], key[1], name, kept, computed)
        for key in sorted(ledger.keys() | stored.keys(), key=lambda key: (key[0], key[1] or ""))
        for name, kept, computed in zip(
            FIGURES, stored.get(key, nothing), ledger.get(key, nothing), strict=True
        )
        if kept != computed
    ]
    month_rows = {key: figures for key, figures in ledger.items() if key[1] is not None}
    rollup = await rollup_differences(session, month_rows)
    return len(totals), found + await open_item_differences(session) + rollup
