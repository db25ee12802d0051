"""What an entry gives or seeks, line by line, and how far each line is fulfilled.

Amounts are decimals: yuan for funds and purchases, a count in the line's unit for goods,
person-days for volunteer and expert time.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from core.errors import N_


class LineKind(StrEnum):
    FUNDS = "funds"
    GOODS = "goods"
    PERSON_DAYS = "person_days"
    PURCHASE = "purchase"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def default_unit(self) -> str:
        """Funds and purchases are in yuan, time in person-days; goods name their own unit."""
        return {"funds": "元", "purchase": "元", "person_days": "人天"}.get(self.value, "")


_KIND_LABELS = {
    LineKind.FUNDS: N_("Funds"),
    LineKind.GOODS: N_("Goods"),
    LineKind.PERSON_DAYS: N_("Volunteer or expert time"),
    LineKind.PURCHASE: N_("Purchasing"),
}


class NeedProgress(StrEnum):
    OPEN = "open"
    PARTLY_COMMITTED = "partly_committed"
    FULLY_COMMITTED = "fully_committed"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return _PROGRESS_LABELS[self]


_PROGRESS_LABELS = {
    NeedProgress.OPEN: N_("Awaiting support"),
    NeedProgress.PARTLY_COMMITTED: N_("Partly committed"),
    NeedProgress.FULLY_COMMITTED: N_("Fully committed"),
    NeedProgress.COMPLETED: N_("Completed"),
}


class SoughtLine(Protocol):
    sought: Decimal
    committed: Decimal
    delivered: Decimal


class OfferedLine(Protocol):
    offered: Decimal
    committed: Decimal


def need_progress(lines: Iterable[SoughtLine]) -> NeedProgress:
    """Completed when everything sought is delivered, fully committed when it is promised,
    partly committed when anything is, else open."""
    lines = list(lines)
    if lines and all(line.delivered >= line.sought for line in lines):
        return NeedProgress.COMPLETED
    if lines and all(line.committed >= line.sought for line in lines):
        return NeedProgress.FULLY_COMMITTED
    if any(line.committed > 0 for line in lines):
        return NeedProgress.PARTLY_COMMITTED
    return NeedProgress.OPEN


def still_sought(line: SoughtLine) -> Decimal:
    return max(line.sought - line.committed, Decimal(0))


def still_offered(line: OfferedLine) -> Decimal:
    return max(line.offered - line.committed, Decimal(0))
