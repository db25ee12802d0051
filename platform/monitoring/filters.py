"""What the figures may be narrowed to and grouped by, as the API, the page and the export
read them from the query string."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agreements.schemas import AgreementFilters
from core.categories import TopCategory


class StatsFilters(BaseModel):
    """What every aggregate may be narrowed to: the agreement's year (of its number), county,
    category and programme. Needs are narrowed by year of publication, county and category."""

    model_config = ConfigDict(frozen=True)

    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    county: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    category: TopCategory | None = None
    programme: Annotated[str, StringConstraints(max_length=32)] | None = None

    def of_agreements(self) -> AgreementFilters:
        """The same narrowing in the agreements list's terms, so both filter alike."""
        return AgreementFilters(
            year=self.year, county=self.county, category=self.category, programme=self.programme
        )


class FundsGrouping(StrEnum):
    CATEGORY = "category"
    COUNTY = "county"
    MONTH = "month"
    """The calendar month in China the money was booked in the ledger."""
    PROGRAMME = "programme"


class FundsQuery(BaseModel):
    group_by: FundsGrouping = FundsGrouping.CATEGORY
