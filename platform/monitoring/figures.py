"""The monitoring figures, each one SQL aggregate over the records: organizations engaged by
origin, needs collected by category, agreements and projects, money committed, disbursed,
confirmed (delivered) and spent, coverage per county, money grouped by category, county,
month or programme, and organizations with their figures.

Only agreements signed or later count (``agreements.lifecycle.SIGNED_OR_LATER``); the money
follows ``funds.ledger`` through ``monitoring.money``. Filters narrow the agreements by their
year (of the number), county, category and programme, and the needs by the year they were
published, their county and category.

The money is summed from the summary of each agreement's ledger (``funds.summary``: one row
per agreement, one per agreement and month in China), which every append rewrites in its own
transaction, so a figure is as current as the ledger; the counts of agreements, organizations
and needs are computed live. ``xiangxing ledger verify`` recomputes the summary from the
entries (``monitoring.money``) and names any difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Origin
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from agreements.programmes import programme_name
from agreements.repository import filter_conditions
from core.categories import TopCategory
from core.columns import ZERO
from core.pagination import PageRequest, Slice
from demand.models import Need
from funds.models import FIGURES, AgreementMoney, MonthRollup
from funds.rollup import rollup_conditions
from monitoring.filters import FundsGrouping, StatsFilters
from monitoring.local_time import local_year
from monitoring.money import sums
from regions.models import Region, RegionLevel

UNDER_WAY = (
    AgreementState.IN_PROGRESS,
    AgreementState.COMPLETION_CONFIRMED,
    AgreementState.COMPLETED,
)
"""A project: an agreement whose work began."""


@dataclass(frozen=True, slots=True)
class Money:
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    confirmed: Decimal = ZERO
    """Delivered: disbursements the recipient confirmed."""
    spent: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        return Money(*(getattr(self, name) + getattr(other, name) for name in FIGURES))

    @classmethod
    def of(cls, row: Any) -> Money:
        """The figures of a row that selected them under their names."""
        if row is None:
            return cls()
        return cls(*(getattr(row, name) or ZERO for name in FIGURES))


@dataclass(frozen=True, slots=True)
class Overview:
    organizations: int
    organizations_by_origin: dict[Origin, int]
    needs_by_category: dict[TopCategory, int]
    agreements: int
    projects: int
    money: Money


@dataclass(frozen=True, slots=True)
class AgreementGroup:
    county: str
    category: str
    agreements: int
    projects: int
    money: Money


@dataclass(frozen=True, slots=True)
class CountedAgreements:
    """The counted agreements with their projects and money per county and category: one
    pass over the agreements that the overview, the coverage and the money by category each
    sum their own way."""

    groups: list[AgreementGroup]

    @property
    def agreements(self) -> int:
        return sum(group.agreements for group in self.groups)

    @property
    def projects(self) -> int:
        return sum(group.projects for group in self.groups)

    @property
    def money(self) -> Money:
        return sum((group.money for group in self.groups), Money())

    def in_county(self, code: str) -> tuple[int, Money]:
        """The agreements and the money of one county."""
        found = [group for group in self.groups if group.county == code]
        return sum(group.agreements for group in found), sum((g.money for g in found), Money())

    def by_category(self) -> list[FundsGroup]:
        """The money per category that has any, by key (as ``Figures.funds`` groups it)."""
        per_category: dict[str, Money] = {}
        for group in self.groups:
            per_category[group.category] = per_category.get(group.category, Money()) + group.money
        return [
            FundsGroup(key, key, money)
            for key, money in sorted(per_category.items())
            if money != Money()
        ]


@dataclass(frozen=True, slots=True)
class CountyFigures:
    code: str
    name: str
    agreements: int
    money: Money


@dataclass(frozen=True, slots=True)
class FundsGroup:
    key: str
    name: str
    money: Money


@dataclass(frozen=True, slots=True)
class OrganizationFigures:
    id: UUID
    name: str
    origin: Origin
    agreements: int
    money: Money


def counted(filters: StatsFilters) -> list[ColumnElement[bool]]:
    """The agreements the figures count: signed or later, narrowed by the filters."""
    return [Agreement.state.in_(SIGNED_OR_LATER), *filter_conditions(filters.of_agreements())]


def published_needs(filters: StatsFilters, dialect: str) -> list[ColumnElement[bool]]:
    """The needs collected: published into the catalogue (whatever became of them since),
    narrowed by the year they were published in China, their county and category."""
    conditions: list[ColumnElement[bool]] = [Need.published_at.is_not(None)]
    if filters.year is not None:
        conditions.append(local_year(Need.published_at, dialect) == str(filters.year))
    if filters.county is not None:
        conditions.append(Need.county_code == filters.county)
    if filters.category is not None:
        conditions.append(Need.category == filters.category)
    return conditions


class Figures:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def overview(self, filters: StatsFilters) -> Overview:
        return self.overview_of(
            await self.organizations_by_origin(filters),
            await self.needs_by_category(filters),
            await self.counted_agreements(filters),
        )

    @staticmethod
    def overview_of(
        by_origin: dict[Origin, int],
        needs_by_category: dict[TopCategory, int],
        counted_agreements: CountedAgreements,
    ) -> Overview:
        return Overview(
            organizations=sum(by_origin.values()),  # each organization has one origin
            organizations_by_origin=by_origin,
            needs_by_category=needs_by_category,
            agreements=counted_agreements.agreements,
            projects=counted_agreements.projects,
            money=counted_agreements.money,
        )

    async def organizations_by_origin(self, filters: StatsFilters) -> dict[Origin, int]:
        """Organizations engaged (with a counted agreement) per origin, by a semi-join."""
        engaged = exists().where(Agreement.organization_id == Organization.id, *counted(filters))
        rows = await self.session.execute(
            select(Organization.origin, func.count(Organization.id))
            .where(engaged)
            .group_by(Organization.origin)
        )
        return {Origin(origin): count for origin, count in rows}

    async def counted_agreements(self, filters: StatsFilters) -> CountedAgreements:
        query = self._agreements_and_money(counted(filters)).add_columns(
            Agreement.county_code, Agreement.category
        )
        rows = await self.session.execute(query.group_by(Agreement.county_code, Agreement.category))
        return CountedAgreements(
            [
                AgreementGroup(
                    row.county_code, str(row.category), row.agreements, row.projects, Money.of(row)
                )
                for row in rows
            ]
        )

    @staticmethod
    def _agreements_and_money(
        conditions: Sequence[ColumnElement[bool]],
    ) -> Select[*tuple[Any, ...]]:
        """The counted agreements, the projects among them and their money: one pass over
        the agreements with each one's summary row."""
        money = AgreementMoney.__table__
        return (
            select(
                func.count(Agreement.id).label("agreements"),
                func.count(Agreement.id).filter(Agreement.state.in_(UNDER_WAY)).label("projects"),
                *sums(money),
            )
            .select_from(Agreement)
            .outerjoin(money, money.c.agreement_id == Agreement.id)
            .where(*conditions)
        )

    async def needs_by_category(self, filters: StatsFilters) -> dict[TopCategory, int]:
        rows = await self.session.execute(
            select(Need.category, func.count())
            .where(*published_needs(filters, self.dialect))
            .group_by(Need.category)
        )
        return {TopCategory(category): count for category, count in rows}

    async def coverage(self, filters: StatsFilters) -> list[CountyFigures]:
        return self.coverage_of(
            await self.counties(filters), await self.counted_agreements(filters)
        )

    async def counties(self, filters: StatsFilters) -> list[tuple[str, str]]:
        """The county filtered, or all, as (code, short name)."""
        counties = select(Region.code, Region.short_name).where(Region.level == RegionLevel.COUNTY)
        if filters.county is not None:
            counties = counties.where(Region.code == filters.county)
        return [
            (code, name)
            for code, name in await self.session.execute(counties.order_by(Region.code))
        ]

    @staticmethod
    def coverage_of(
        counties: list[tuple[str, str]], counted_agreements: CountedAgreements
    ) -> list[CountyFigures]:
        """Every county given, with its agreements and money; a county with none is one
        without any pairing."""
        return [
            CountyFigures(code, name, *counted_agreements.in_county(code))
            for code, name in counties
        ]

    async def funds(self, filters: StatsFilters, group_by: FundsGrouping) -> list[FundsGroup]:
        """The money of the counted agreements, one row per group that has any (an entry that
        moves none of the figures, a dispute, makes no group), by key."""
        if group_by is FundsGrouping.MONTH:
            grouped = self._by_month(filters)
        else:
            grouped = self._by_agreement_column(filters, group_by)
        rows = await self.session.execute(grouped)
        found = [(str(row.key), figures) for row in rows if (figures := Money.of(row)) != Money()]
        names = await self._names(group_by, [key for key, _ in found])
        return [FundsGroup(key, names.get(key, key), figures) for key, figures in found]

    @staticmethod
    def _by_agreement_column(
        filters: StatsFilters, group_by: FundsGrouping
    ) -> Select[*tuple[Any, ...]]:
        money = AgreementMoney.__table__
        columns: dict[FundsGrouping, ColumnElement[Any]] = {
            FundsGrouping.CATEGORY: Agreement.category.expression,
            FundsGrouping.COUNTY: Agreement.county_code.expression,
            FundsGrouping.PROGRAMME: Agreement.programme.expression,
        }
        grouped = columns[group_by]
        return (
            select(grouped.label("key"), *sums(money))
            .select_from(money)
            .join(Agreement, Agreement.id == money.c.agreement_id)
            .where(*counted(filters), grouped.is_not(None))
            .group_by(grouped)
            .order_by(grouped)
        )

    @staticmethod
    def _by_month(filters: StatsFilters) -> Select[*tuple[Any, ...]]:
        """From the rollup of the counted agreements' month rows (``funds.rollup``)."""
        rollup = MonthRollup.__table__
        return (
            select(rollup.c.month.label("key"), *sums(rollup))
            .where(*rollup_conditions(filters.of_agreements()))
            .group_by(rollup.c.month)
            .order_by(rollup.c.month)
        )

    async def _names(self, group_by: FundsGrouping, keys: list[str]) -> dict[str, str]:
        if group_by is FundsGrouping.COUNTY:
            rows = await self.session.execute(
                select(Region.code, Region.short_name).where(Region.code.in_(keys))
            )
            return {code: name for code, name in rows}
        if group_by is FundsGrouping.PROGRAMME:
            return {key: programme_name(key) for key in keys}
        return {}

    async def organizations(
        self, filters: StatsFilters, page: PageRequest
    ) -> Slice[OrganizationFigures]:
        """Organizations with counted agreements, the most committed first."""
        conditions = counted(filters)
        money = AgreementMoney.__table__
        figures = [func.coalesce(func.sum(money.c[name]), 0).label(name) for name in FIGURES]
        query = (
            select(
                Organization.id,
                Organization.name,
                Organization.origin,
                func.count(Agreement.id).label("agreements"),
                *figures,
                func.count().over().label("total"),
            )
            .join(Agreement, Agreement.organization_id == Organization.id)
            .outerjoin(money, money.c.agreement_id == Agreement.id)
            .where(*conditions)
            .group_by(Organization.id, Organization.name, Organization.origin)
        )
        rows = (
            await self.session.execute(
                query.order_by(figures[0].desc(), Organization.name, Organization.id)
                .limit(page.page_size)
                .offset(page.offset)
            )
        ).all()
        if rows:
            total = rows[0].total  # the groups before the page was cut: one query, not two
        else:
            count = select(func.count(distinct(Agreement.organization_id))).where(*conditions)
            total = await self.session.scalar(count) or 0
        items = [
            OrganizationFigures(row.id, row.name, Origin(row.origin), row.agreements, Money.of(row))
            for row in rows
        ]
        return Slice.of(items, total, page)
