"""The money summary (``funds.summary``) against the ledger it summarises: every agreement's
row and every month's row recomputed from the entries by the rules in SQL
(``monitoring.money``), a second writing of ``funds.ledger`` independent of the one that keeps
the summary, and each difference named. A month or agreement without a row counts as zero."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.columns import ZERO
from funds.models import AgreementMoney, MonthMoney
from funds.summary import FIGURES
from monitoring.money import live_per_month

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


def _figures(rows: Iterable[object], month: bool) -> dict[Key, tuple[Decimal, ...]]:
    return {
        (row.agreement_id, row.month if month else None): tuple(  # type: ignore[attr-defined]
            getattr(row, name) or ZERO for name in FIGURES
        )
        for row in rows
    }


async def summary_differences(session: AsyncSession) -> tuple[int, list[SummaryDifference]]:
    """How many agreements the ledger has money rows for, and every figure that differs."""
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
    found = [
        SummaryDifference(key[0], key[1], name, kept, computed)
        for key in sorted(ledger.keys() | stored.keys(), key=lambda key: (key[0], key[1] or ""))
        for name, kept, computed in zip(
            FIGURES, stored.get(key, nothing), ledger.get(key, nothing), strict=True
        )
        if kept != computed
    ]
    return len(totals), found
