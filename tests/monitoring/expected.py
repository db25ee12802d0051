"""The figures computed directly in Python over the same records the SQL aggregates read:
each agreement's balance by ``funds.ledger.balance``, summed per group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.clock import local_date
from demand.models import Need
from funds.ledger import balance, reversed_ids
from funds.models import EntryType, LedgerEntry
from matching.models import Proposal
from monitoring.figures import Money as PeriodMoney
from supply.models import Offer

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


async def booked_months(session: AsyncSession, agreement: Agreement) -> dict[str, Money]:
    """Each entry in force of one agreement under the month (in China) it was booked."""
    months: dict[str, Money] = defaultdict(zero)
    entries = await entries_of(session, agreement)
    cancelled = reversed_ids(entries)
    live = {
        e.id: e for e in entries if e.entry_type is not EntryType.REVERSAL and e.id not in cancelled
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
    return months


async def monthly(session: AsyncSession, filters: dict[str, Any]) -> dict[str, Money]:
    """Each entry in force of the counted agreements under the month it was booked."""
    months: dict[str, Money] = defaultdict(zero)
    for agreement in await counted(session, filters):
        for month, money in (await booked_months(session, agreement)).items():
            for name in FIGURES:
                months[month][name] += money[name]
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


STAGES = ("posted", "published", "paired", "under_agreement", "completed")


async def stages(session: AsyncSession, side: str, filters: dict[str, Any]) -> dict[str, int]:
    """Each stage of the pipeline counted over the needs (or offers) posted, entry by entry:
    the proposals naming it, the agreements made from those."""
    model: type[Need] | type[Offer] = Need if side == "needs" else Offer
    made_from: dict[UUID, Agreement] = {
        link.proposal_id: agreement
        for agreement in await session.scalars(select(Agreement))
        for link in agreement.proposals
    }
    counts = dict.fromkeys(STAGES, 0)
    for entry in await session.scalars(select(model)):
        if entry.submitted_at is None or not _posted_matches(entry, side, filters):
            continue
        proposals = [
            proposal
            for proposal in await session.scalars(select(Proposal))
            if getattr(proposal, f"{side[:-1]}_id") == entry.id
        ]
        agreements = [made_from[p.id] for p in proposals if p.id in made_from]
        reached = {
            "posted": True,
            "published": entry.published_at is not None,
            "paired": any(p.state in ("accepted", "converted") for p in proposals),
            "under_agreement": any(a.state in SIGNED_OR_LATER for a in agreements),
            "completed": any(a.state == "completed" for a in agreements),
        }
        for stage, yes in reached.items():
            counts[stage] += yes
    return counts


def _posted_matches(entry: Need | Offer, side: str, filters: dict[str, Any]) -> bool:
    assert entry.submitted_at is not None
    values = {"year": str(local_date(entry.submitted_at).year), "category": entry.category.value}
    if side == "needs":
        values["county"] = entry.county_code
    return all(values[name] == str(value) for name, value in filters.items() if name in values)


async def open_needs(
    session: AsyncSession, filters: dict[str, Any], now: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    """The published needs still open, by urgency and by days open (under 30, 30–89, 90+)."""
    urgency = dict.fromkeys(("red", "yellow", "green"), 0)
    ages = dict.fromkeys(("under_30", "30_to_89", "90_or_more"), 0)
    for need in await session.scalars(select(Need).where(Need.state == "published")):
        assert need.published_at is not None
        values = {
            "year": str(local_date(need.published_at).year),
            "county": need.county_code,
            "category": need.category.value,
        }
        if any(values[k] != str(v) for k, v in filters.items() if k in values):
            continue
        urgency[need.urgency.value] += 1
        days = now - need.published_at
        band = "under_30" if days < timedelta(30) else "30_to_89" if days < timedelta(90) else ""
        ages[band or "90_or_more"] += 1
    return urgency, ages
