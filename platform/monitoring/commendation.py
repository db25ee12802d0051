"""The commendation list (表扬): organizations ranked by what they delivered in a window, the
basis of the annual list of organizations to commend.

The rule, stated on the page: organizations are ordered by the money and goods (at their
estimated value) the recipients confirmed in the window, then by the agreements completed in
the window, then by the progress reports approved that had come by their due date; equal on
all three, they share a rank and are listed by name. Their tier (合作 / 优秀 / 标杆) is the
highest whose every threshold they reach. Only agreements signed or later count; suspended
organizations are left out, and so is an organization with none of the three.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Verification
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from core.columns import ZERO
from core.errors import N_
from funds.models import MonthMoney
from monitoring.money import ledger_money
from monitoring.review_period import Window
from outcomes.models import ProgressReport, ReportState


class Tier(StrEnum):
    PARTNER = "partner"
    EXCELLENT = "excellent"
    BENCHMARK = "benchmark"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]


_TIER_LABELS = {
    Tier.PARTNER: N_("Partner"),
    Tier.EXCELLENT: N_("Excellent"),
    Tier.BENCHMARK: N_("Benchmark"),
}


@dataclass(frozen=True, slots=True)
class Threshold:
    delivered: Decimal
    completed: int
    on_time_reports: int


BENCHMARK = Threshold(delivered=Decimal(500_000), completed=2, on_time_reports=4)
"""标杆: at least 500,000 yuan delivered, two agreements completed, four reports on time."""
EXCELLENT = Threshold(delivered=Decimal(100_000), completed=1, on_time_reports=2)
"""优秀: at least 100,000 yuan delivered, one agreement completed, two reports on time."""
THRESHOLDS = ((Tier.BENCHMARK, BENCHMARK), (Tier.EXCELLENT, EXCELLENT))
"""Tiers above 合作, highest first; every organization listed is at least 合作."""


@dataclass(frozen=True, slots=True)
class Commended:
    rank: int
    organization_id: UUID
    name: str
    delivered: Decimal
    completed: int
    on_time_reports: int
    tier: Tier

    @property
    def standing(self) -> tuple[Decimal, int, int]:
        """What the rank compares, most important first."""
        return (self.delivered, self.completed, self.on_time_reports)


def tier_of(delivered: Decimal, completed: int, on_time_reports: int) -> Tier:
    for tier, threshold in THRESHOLDS:
        if (
            delivered >= threshold.delivered
            and completed >= threshold.completed
            and on_time_reports >= threshold.on_time_reports
        ):
            return tier
    return Tier.PARTNER


def ranked(figures: dict[UUID, tuple[str, Decimal, int, int]]) -> list[Commended]:
    """Competition ranking (1, 1, 3) on the three figures, most first; ties by name."""
    order = sorted(
        figures.items(), key=lambda item: (-item[1][1], -item[1][2], -item[1][3], item[1][0])
    )
    found: list[Commended] = []
    for position, (organization_id, (name, delivered, completed, on_time)) in enumerate(order, 1):
        standing = (delivered, completed, on_time)
        rank = found[-1].rank if found and found[-1].standing == standing else position
        tier = tier_of(delivered, completed, on_time)
        found.append(Commended(rank, organization_id, name, delivered, completed, on_time, tier))
    return found


async def commendation(session: AsyncSession, window: Window) -> list[Commended]:
    """The organizations with anything to their credit in the window, ranked."""
    counted = Agreement.state.in_(SIGNED_OR_LATER)
    delivered = await _delivered(session, window)
    completed = await session.execute(
        select(Agreement.organization_id, func.count(Agreement.id))
        .where(
            Agreement.state == AgreementState.COMPLETED,
            Agreement.completed_at >= window.since,
            Agreement.completed_at < window.until,
        )
        .group_by(Agreement.organization_id)
    )
    on_time = await session.execute(
        select(Agreement.organization_id, func.count(ProgressReport.id))
        .join(Agreement, Agreement.id == ProgressReport.agreement_id)
        .where(
            counted,
            ProgressReport.state == ReportState.APPROVED,
            ProgressReport.on_time.is_(True),
            ProgressReport.approved_at >= window.since,
            ProgressReport.approved_at < window.until,
        )
        .group_by(Agreement.organization_id)
    )
    credit: dict[UUID, list[Decimal | int]] = defaultdict(lambda: [ZERO, 0, 0])
    for organization_id, amount in delivered.items():
        credit[organization_id][0] = amount
    for column, rows in enumerate((completed, on_time), 1):
        for organization_id, value in rows:
            credit[organization_id][column] = value or credit[organization_id][column]
    names = await session.execute(
        select(Organization.id, Organization.name).where(
            Organization.id.in_(list(credit)), Organization.verification != Verification.SUSPENDED
        )
    )
    figures = {
        organization_id: (
            name,
            Decimal(credit[organization_id][0]),
            int(credit[organization_id][1]),
            int(credit[organization_id][2]),
        )
        for organization_id, name in names
    }
    return ranked({key: value for key, value in figures.items() if any(value[1:])})


async def _delivered(session: AsyncSession, window: Window) -> dict[UUID, Decimal]:
    """What each organization's recipients confirmed in the window: its whole months from the
    month rows ``funds.summary`` keeps, the days before and after them from the ledger."""
    counted = Agreement.state.in_(SIGNED_OR_LATER)
    months = (
        select(Agreement.organization_id, func.sum(MonthMoney.confirmed))
        .select_from(MonthMoney)
        .join(Agreement, Agreement.id == MonthMoney.agreement_id)
    )
    # The months are written into the statement: as parameters, PostgreSQL's generic plan
    # guessed a year's range at 0.5% of the rows and looked up each month row's agreement
    # (84,705 lookups, 128 ms against 42 ms hashed, with 50,000 agreements).
    first_month, last_month = window.whole_months
    since: BindParameter[str] = bindparam(None, first_month, literal_execute=True)
    until: BindParameter[str] = bindparam(None, last_month, literal_execute=True)
    parts = [months.where(counted, MonthMoney.month >= since, MonthMoney.month <= until)]
    money = ledger_money()
    booked = (
        select(Agreement.organization_id, func.sum(money.c.confirmed))
        .select_from(money)
        .join(Agreement, Agreement.id == money.c.agreement_id)
    )
    parts += [
        booked.where(counted, money.c.booked_at >= end.since, money.c.booked_at < end.until)
        for end in window.ragged_ends
    ]
    found: dict[UUID, Decimal] = defaultdict(lambda: ZERO)
    for part in parts:
        for organization_id, amount in await session.execute(
            part.group_by(Agreement.organization_id)
        ):
            found[organization_id] += amount or ZERO
    return found
