"""The stats API's answers; amounts are decimal strings of yuan with two places."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, field_serializer

from accounts.models import Origin
from catalogue.schemas import CENT
from core.categories import TopCategory
from monitoring.figures import Overview
from monitoring.filters import FundsGrouping

FROM_FIGURES = ConfigDict(from_attributes=True)
"""Read from the figures' dataclasses (``monitoring.figures``) as they are."""


class MoneyRead(BaseModel):
    model_config = FROM_FIGURES

    committed: Decimal
    disbursed: Decimal
    confirmed: Decimal
    """Disbursements the recipient confirmed: what was delivered."""
    spent: Decimal

    @field_serializer("committed", "disbursed", "confirmed", "spent")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)


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
            money=MoneyRead.model_validate(overview.money),
        )


class CountyRead(BaseModel):
    model_config = FROM_FIGURES

    code: str
    name: str
    agreements: int
    money: MoneyRead


class CoverageRead(BaseModel):
    counties: list[CountyRead]
    """Every county in the filter, by code, with or without agreements."""
    uncovered: list[str]
    """Codes of the counties without any agreement signed or later."""


class FundsGroupRead(BaseModel):
    model_config = FROM_FIGURES

    key: str
    """The category, county code, month (``YYYY-MM``) or programme code."""
    name: str
    """The county's or the programme's name; the key itself for categories and months."""
    money: MoneyRead


class FundsRead(BaseModel):
    group_by: FundsGrouping
    groups: list[FundsGroupRead]


class OrganizationRead(BaseModel):
    model_config = FROM_FIGURES

    id: UUID
    name: str
    origin: Origin
    agreements: int
    money: MoneyRead
