"""The figures computed directly in Python over the same records the SQL aggregates read:
each agreement's balance by ``funds.ledger.balance``, summed per group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.clock import local_date
from funds.ledger import balance, reversed_ids
from funds.models import EntryType, LedgerEntry
from monitoring.figures import Money as PeriodMoney

FIGURES = ("committed", "disbursed", "confirmed", "spent")
Money = dict[str, Decimal]


def zero() -> Money:
    return dict.fromkeys(FIGURES, Decimal(0))


def matches(agreement: Agreement, filters: dict[str, Any]) -> bool:
    values = {
        "year": str(agreement.year),
        "county": agreement.county_code,
        "category": agreement.category.value,
        "programme": agreement.programme,
    }
    return agreement.state in SIGNED_OR_LATER and all(
        values[name] == str(value) for name, value in filters.items()
    )


async def counted(session: AsyncSession, filters: dict[str, Any]) -> list[Agreement]:
    return [a for a in await session.scalars(select(Agreement)) if matches(a, filters)]


async def entries_of(session: AsyncSession, agreement: Agreement) -> list[LedgerEntry]:
    return list(
        await session.scalars(select(LedgerEntry).where(LedgerEntry.agreement_id == agreement.id))
    )


async def money_of(session: AsyncSession, agreement: Agreement) -> Money:
    found = balance(await entries_of(session, agreement))
    return {name: getattr(found, name) for name in FIGURES}


async def grouped(
    session: AsyncSession, filters: dict[str, Any], key: Callable[[Agreement], str | None]
) -> dict[str, Money]:
    groups: dict[str, Money] = defaultdict(zero)
    for agreement in await counted(session, filters):
        if (name := key(agreement)) is None:
            continue
        for figure, amount in (await money_of(session, agreement)).items():
            groups[name][figure] += amount
    return dict(groups)


async def monthly(session: AsyncSession, filters: dict[str, Any]) -> dict[str, Money]:
    """Each entry in force under the month (in China) it was booked."""
    months: dict[str, Money] = defaultdict(zero)
    for agreement in await counted(session, filters):
        entries = await entries_of(session, agreement)
        cancelled = reversed_ids(entries)
        live = {
            e.id: e
            for e in entries
            if e.entry_type is not EntryType.REVERSAL and e.id not in cancelled
        }
        for entry in live.values():
            figure = {
                EntryType.COMMITMENT: "committed",
                EntryType.DISBURSEMENT: "disbursed",
                EntryType.EXPENDITURE: "spent",
            }.get(entry.entry_type)
            if entry.entry_type is EntryType.RECEIPT_CONFIRMATION and entry.confirms_id in live:
                figure = "confirmed"
            if figure:
                months[local_date(entry.created_at).strftime("%Y-%m")][figure] += entry.amount
    return {month: money for month, money in months.items() if any(money.values())}


def as_json(money: Money) -> dict[str, str]:
    return {name: f"{amount:.2f}" for name, amount in money.items()}


def months_of(period: str) -> tuple[str, str]:
    year = period[:4]
    first, last = {"H1": ("01", "06"), "H2": ("07", "12")}.get(period[4:], ("01", "12"))
    return f"{year}-{first}", f"{year}-{last}"


async def expected_line(
    session: AsyncSession, period: str, filters: dict[str, Any]
) -> tuple[int, PeriodMoney, PeriodMoney]:
    """Agreements signed in the period, money booked in it and up to its end, computed from
    each entry in force by the month (in China) it was booked."""
    first, last = months_of(period)
    in_period, cumulative = zero(), zero()
    for month, money in (await monthly(session, filters)).items():
        for figure in FIGURES:
            if first <= month <= last:
                in_period[figure] += money[figure]
            if month <= last:
                cumulative[figure] += money[figure]
    signed = sum(
        1
        for agreement in await counted(session, filters)
        if agreement.signed_on is not None
        and first <= agreement.signed_on.strftime("%Y-%m") <= last
    )
    return signed, PeriodMoney(**in_period), PeriodMoney(**cumulative)
