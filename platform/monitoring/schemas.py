"""The stats API's answers; amounts are decimal strings of yuan with two places."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, field_serializer

from accounts.models import Origin
from catalogue.schemas import CENT
from core.categories import TopCategory
from monitoring.figures import (
    CountyFigures,
    FundsGroup,
    Money,
    OrganizationFigures,
    Overview,
)
from monitoring.filters import FundsGrouping


class MoneyRead(BaseModel):
    committed: Decimal
    disbursed: Decimal
    confirmed: Decimal
    """Disbursements the recipient confirmed: what was delivered."""
    spent: Decimal

    @field_serializer("committed", "disbursed", "confirmed", "spent")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)

    @classmethod
    def of(cls, money: Money) -> MoneyRead:
        return cls(
            committed=money.committed,
            disbursed=money.disbursed,
            confirmed=money.confirmed,
            spent=money.spent,
        )


class OriginCount(BaseModel):
    origin: Origin
    organizations: int


class CategoryCount(BaseModel):
    category: TopCategory
    needs: int


class OverviewRead(BaseModel):
    organizations: int
    """Organizations with an agreement signed or later."""
    organizations_by_origin: list[OriginCount]
    needs_by_category: list[CategoryCount]
    """Needs published into the catalogue (whatever became of them since)."""
    agreements: int
    """Agreements signed or later."""
    projects: int
    """Agreements under way or done: in progress, completion confirmed or completed."""
    money: MoneyRead

    @classmethod
    def of(cls, overview: Overview) -> OverviewRead:
        return cls(
            organizations=overview.organizations,
            organizations_by_origin=[
                OriginCount(origin=origin, organizations=count)
                for origin, count in overview.organizations_by_origin.items()
            ],
            needs_by_category=[
                CategoryCount(category=category, needs=count)
                for category, count in overview.needs_by_category.items()
            ],
            agreements=overview.agreements,
            projects=overview.projects,
            money=MoneyRead.of(overview.money),
        )


class CountyRead(BaseModel):
    code: str
    name: str
    agreements: int
    money: MoneyRead

    @classmethod
    def of(cls, county: CountyFigures) -> CountyRead:
        return cls(
            code=county.code,
            name=county.name,
            agreements=county.agreements,
            money=MoneyRead.of(county.money),
        )


class CoverageRead(BaseModel):
    counties: list[CountyRead]
    """Every county in the filter, by code, with or without agreements."""
    uncovered: list[str]
    """Codes of the counties without any agreement signed or later."""


class FundsGroupRead(BaseModel):
    key: str
    """The category, county code, month (``YYYY-MM``) or programme code."""
    name: str
    """The county's or the programme's name; the key itself for categories and months."""
    money: MoneyRead

    @classmethod
    def of(cls, group: FundsGroup) -> FundsGroupRead:
        return cls(key=group.key, name=group.name, money=MoneyRead.of(group.money))


class FundsRead(BaseModel):
    group_by: FundsGrouping
    groups: list[FundsGroupRead]


class OrganizationRead(BaseModel):
    id: str
    name: str
    origin: Origin
    agreements: int
    money: MoneyRead

    @classmethod
    def of(cls, organization: OrganizationFigures) -> OrganizationRead:
        return cls(
            id=str(organization.id),
            name=organization.name,
            origin=organization.origin,
            agreements=organization.agreements,
            money=MoneyRead.of(organization.money),
        )
