"""What an entry gives or seeks, line by line, and how far each line is fulfilled.

Amounts are decimals: yuan for funds, a count in the line's unit for goods, person-days for
volunteer and expert time, and for purchases a quantity in their own unit (300 吨, or yuan when
no unit is given) with, optionally, what that quantity is worth in yuan.
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
        """Funds are in yuan, time in person-days, purchases in yuan unless they name a unit;
        goods name their own unit."""
        return {"funds": "元", "purchase": "元", "person_days": "人天"}.get(self.value, "")

    @property
    def names_its_unit(self) -> bool:
        """Goods and purchases keep the unit they are given; funds and time have theirs."""
        return self in (LineKind.GOODS, LineKind.PURCHASE)


COMMON_UNITS = ("元", "人天", "吨", "公斤", "斤", "件", "箱", "套", "个", "台", "册", "份", "亩")
"""Offered in the template's drop-down; goods and purchases may use any other unit too."""


def unit_problem(kind: LineKind, unit: str, value: object | None) -> str | None:
    """Why this unit (or value in yuan) cannot go with this kind of line, or None: a unit is
    never dropped silently (300 吨 of purchases must not become 300 元)."""
    if kind is LineKind.GOODS and not unit:
        return N_("Goods need the item and its unit (e.g. 200 套 school uniforms).")
    if kind is LineKind.FUNDS and unit not in ("", "元"):
        return N_("Funds are counted in 元; for a quantity in another unit choose 物资 or 采购.")
    if kind is LineKind.PERSON_DAYS and unit not in ("", "人天"):
        return N_("Time is counted in 人天; for a quantity in another unit choose 物资 or 采购.")
    if value is not None and kind is not LineKind.PURCHASE:
        return N_("Only purchasing lines have a value in yuan besides their quantity.")
    return None


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
