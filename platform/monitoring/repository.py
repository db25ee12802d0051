"""The public agreements as the transparency page, its CSV and the IATI export read them:
only the columns anyone may see are selected (never a contact, signatory or document), of the
agreements ``monitoring.policy`` publishes, with their money and report timeliness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from accounts.models import Organization
from agreements.models import Agreement, AgreementState, Indicator
from agreements.repository import filter_conditions
from core.categories import TopCategory
from core.clock import local_date
from core.columns import MONEY
from core.pagination import PageRequest, Slice
from funds.in_force import in_force
from funds.models import AgreementMoney, EntryType, LedgerEntry
from monitoring.filters import StatsFilters
from monitoring.policy import published_agreement
from outcomes.models import IndicatorValue, ProgressReport, ReportState
from regions.models import Region

EXPORT_LIMIT = 10_000
"""More public agreements than a city signs in years; a download stops there."""
IATI_TRANSACTIONS = (EntryType.COMMITMENT, EntryType.DISBURSEMENT, EntryType.EXPENDITURE)


@dataclass(frozen=True, slots=True)
class PublicAgreement:
    """What the public knows of a signed agreement."""

    id: UUID
    number: str
    title: str
    organization: str
    recipient: str
    recipient_region_code: str | None
    county: str | None
    township: str | None
    category: TopCategory
    programme: str
    state: AgreementState
    signed_on: date | None
    period_start: date
    period_end: date
    committed: Decimal
    confirmed: Decimal
    reports_due: int
    """Progress reports that fell due: submitted, or flagged overdue."""
    reports_on_time: int

    @property
    def reports_late(self) -> int:
        return self.reports_due - self.reports_on_time


@dataclass(frozen=True, slots=True)
class Transaction:
    """A ledger entry of money in force, as open data names it."""

    agreement_id: UUID
    entry_type: EntryType
    amount: Decimal
    booked_on: date


@dataclass(frozen=True, slots=True)
class Target:
    """An indicator target of an agreement."""

    agreement_id: UUID
    id: UUID
    name: str
    unit: str
    baseline: Decimal
    target: Decimal


@dataclass(frozen=True, slots=True)
class ReportedValue:
    """An indicator's actual over a period of an approved report."""

    indicator_id: UUID
    period_start: date
    period_end: date
    actual: Decimal


def _timeliness() -> Subquery:
    fell_due = (ProgressReport.on_time.is_not(None)) | ProgressReport.overdue
    return (
        select(
            ProgressReport.agreement_id,
            func.count(ProgressReport.id).filter(fell_due).label("due"),
            func.count(ProgressReport.id).filter(ProgressReport.on_time.is_(True)).label("on_time"),
        )
        .group_by(ProgressReport.agreement_id)
        .subquery("timeliness")
    )


def _narrowed(filters: StatsFilters) -> list[ColumnElement[bool]]:
    return [published_agreement(), *filter_conditions(filters.of_agreements())]


class PublicAgreements:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, filters: StatsFilters, page: PageRequest) -> Slice[PublicAgreement]:
        """The published agreements, the latest signed first."""
        conditions = _narrowed(filters)
        total = await self.session.scalar(select(func.count(Agreement.id)).where(*conditions))
        money, reports = AgreementMoney.__table__, _timeliness()
        county, township = aliased(Region), aliased(Region)
        rows = await self.session.execute(
            select(
                Agreement.id,
                Agreement.number,
                Agreement.title,
                Organization.name.label("organization"),
                Agreement.recipient_name.label("recipient"),
                Agreement.recipient_region_code,
                county.short_name.label("county"),
                township.short_name.label("township"),
                Agreement.category,
                Agreement.programme,
                Agreement.state,
                Agreement.signed_on,
                Agreement.period_start,
                Agreement.period_end,
                func.coalesce(money.c.committed, 0, type_=MONEY).label("committed"),
                func.coalesce(money.c.confirmed, 0, type_=MONEY).label("confirmed"),
                func.coalesce(reports.c.due, 0).label("reports_due"),
                func.coalesce(reports.c.on_time, 0).label("reports_on_time"),
            )
            .join(Organization, Organization.id == Agreement.organization_id)
            .outerjoin(county, county.code == Agreement.county_code)
            .outerjoin(township, township.code == Agreement.township_code)
            .outerjoin(money, money.c.agreement_id == Agreement.id)
            .outerjoin(reports, reports.c.agreement_id == Agreement.id)
            .where(*conditions)
            .order_by(Agreement.signed_on.desc(), Agreement.number.desc())
            .limit(page.page_size)
            .offset(page.offset)
        )
        items = [PublicAgreement(**row._mapping) for row in rows]
        return Slice.of(items, total or 0, page)

    async def everything(self, filters: StatsFilters) -> list[PublicAgreement]:
        """Every published agreement the filters keep, up to the export limit."""
        return (await self.page(filters, PageRequest(1, EXPORT_LIMIT))).items

    async def transactions(self, agreement_ids: Sequence[UUID]) -> list[Transaction]:
        """Commitments, disbursements and expenditures of money in force (goods carry a
        quantity and are left out), in the order booked."""
        rows = await self.session.execute(
            select(
                LedgerEntry.agreement_id,
                LedgerEntry.entry_type,
                LedgerEntry.amount,
                LedgerEntry.created_at,
            )
            .where(
                LedgerEntry.agreement_id.in_(agreement_ids),
                LedgerEntry.entry_type.in_(IATI_TRANSACTIONS),
                LedgerEntry.quantity.is_(None),
                in_force(LedgerEntry),
            )
            .order_by(LedgerEntry.agreement_id, LedgerEntry.sequence)
        )
        return [
            Transaction(agreement_id, EntryType(kind), amount, local_date(created_at))
            for agreement_id, kind, amount, created_at in rows
        ]

    async def targets(self, agreement_ids: Sequence[UUID]) -> list[Target]:
        rows = await self.session.execute(
            select(
                Indicator.agreement_id,
                Indicator.id,
                Indicator.name,
                Indicator.unit,
                Indicator.baseline,
                Indicator.target,
            )
            .where(Indicator.agreement_id.in_(agreement_ids))
            .order_by(Indicator.agreement_id, Indicator.position)
        )
        return [Target(*row) for row in rows]

    async def reported_values(self, agreement_ids: Sequence[UUID]) -> list[ReportedValue]:
        """The values of approved reports only, period by period."""
        rows = await self.session.execute(
            select(
                IndicatorValue.indicator_id,
                ProgressReport.period_start,
                ProgressReport.period_end,
                IndicatorValue.actual,
            )
            .join(ProgressReport, ProgressReport.id == IndicatorValue.report_id)
            .where(
                ProgressReport.agreement_id.in_(agreement_ids),
                ProgressReport.state == ReportState.APPROVED,
            )
            .order_by(ProgressReport.period_start)
        )
        return [ReportedValue(*row) for row in rows]
