"""Matching in and out of HTTP."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import Row

from core.assembled import assembled
from demand.models import Urgency
from matching.scoring import Score

# Suggestions: the best offers for a need, the best needs for an offer -----------------------

COUNTY_CODE = r"^\d{6}0{6}$"


class SuggestionFilters(BaseModel):
    """What narrows suggestions beyond the pairing rules (frozen: filters are values)."""

    model_config = ConfigDict(frozen=True)

    county: Annotated[str, StringConstraints(pattern=COUNTY_CODE)] | None = None
    """Needs in this county; offers serving places in it (not city-wide ones)."""
    subcategory: Annotated[str, StringConstraints(max_length=40)] | None = None
    urgency: Urgency | None = None
    """Needs only: offers have no urgency."""
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)


class SuggestionParams(SuggestionFilters):
    k: int = Field(default=10, ge=1, le=50)
    """How many suggestions to answer, best first."""


class SuggestionRead(BaseModel):
    title: str
    url: str
    """The entry's page."""
    subcategory: str
    score: float
    breakdown: dict[str, float]
    """Each component's value in [0, 1] before weighting: why it is suggested."""


class OfferSuggestion(SuggestionRead):
    offer_id: UUID
    organization_name: str
    service_region_codes: list[str]
    remaining_capacity: int
    valid_until: date


class NeedSuggestion(SuggestionRead):
    need_id: UUID
    region_code: str
    region_name: str
    urgency: Urgency
    deadline: date


class OfferSuggestions(BaseModel):
    items: list[OfferSuggestion]
    total: int
    """Candidates that passed every filter, of which ``items`` are the best."""


class NeedSuggestions(BaseModel):
    items: list[NeedSuggestion]
    total: int
    """Candidates that passed every filter, of which ``items`` are the best."""


def _breakdown(scored: Score) -> dict[str, float]:
    return {name.value: round(value, 4) for name, value in scored.parts.items()}


def offer_suggestion(row: Row[*tuple[Any, ...]], scored: Score, url: str) -> OfferSuggestion:
    """From a ranked candidate's row (`matching.suggestions.OFFER_SHOWN`): no entry loaded, and
    the database's own values not validated again."""
    return assembled(
        OfferSuggestion,
        offer_id=row.id,
        title=row.title,
        url=url,
        subcategory=row.subcategory_code,
        organization_name=row.organization_name,
        service_region_codes=sorted(row.service_codes.split(",")),
        remaining_capacity=max(row.capacity - row.capacity_used, 0),
        valid_until=row.valid_until,
        score=round(scored.total, 4),
        breakdown=_breakdown(scored),
    )


def need_suggestion(row: Row[*tuple[Any, ...]], scored: Score, url: str) -> NeedSuggestion:
    """From a ranked candidate's row (`matching.suggestions.NEED_SHOWN`), as
    `offer_suggestion`."""
    return assembled(
        NeedSuggestion,
        need_id=row.id,
        title=row.title,
        url=url,
        subcategory=row.subcategory_code,
        region_code=row.region_code,
        region_name=row.region_name,
        urgency=row.urgency,
        deadline=row.deadline,
        score=round(scored.total, 4),
        breakdown=_breakdown(scored),
    )
