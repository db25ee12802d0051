"""What the search index holds about a published need or offer, built from the ORM objects.

A document carries what a person searches (title, description, sub-category, tags, region
names at every level, the organization's name) and what results are filtered, faceted and
sorted on. It is built field by field from public columns only: contact names and phone
numbers (the offer's, the organization's, the station's) and the collecting channel's name
never enter it, so no index, log or engine dashboard can leak them.

An offer may serve several counties and townships, so region codes are tuples: an offer
serving 镇雄县 and 彝良县 is found under either county and counted in both facets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Literal, Protocol

from catalogue.categories import read_categories
from catalogue.workflow import shown_state
from demand.models import Need
from regions.models import Region, RegionLevel
from supply.models import Offer

Kind = Literal["need", "offer"]
YUAN = "元"


@dataclass(frozen=True, slots=True)
class SearchDocument:
    id: str
    """``need:<uuid>`` or ``offer:<uuid>``: unique across both kinds."""
    kind: Kind
    title: str
    description: str
    category: str
    subcategory: str
    subcategory_name: str
    tags: tuple[str, ...]
    region_names: tuple[str, ...]
    """Names at every level, county first (镇雄县, 以勒镇, 以勒村)."""
    organization_name: str
    """The offering organization; empty for needs."""
    county_codes: tuple[str, ...]
    township_codes: tuple[str, ...]
    urgency: str | None
    """red, yellow or green for needs; None for offers."""
    state: str
    """As people see it: published, or expired once the deadline has passed (`shown_state`)."""
    published_at: datetime
    deadline: date
    """A need's deadline; the last day an offer is valid."""
    amount: Decimal
    """The yuan lines' total (sought or offered), for sorting; 0 if none is in yuan."""

    @property
    def body_text(self) -> str:
        """Everything searchable besides the title, as one text for the engines to analyse."""
        return " ".join(
            [
                self.description,
                self.subcategory_name,
                *self.tags,
                *self.region_names,
                self.organization_name,
            ]
        )


class _Line(Protocol):
    @property
    def amount_unit(self) -> str: ...


def _yuan(lines: Iterable[_Line], amount_of: str) -> Decimal:
    return sum(
        (Decimal(getattr(line, amount_of)) for line in lines if line.amount_unit == YUAN),
        Decimal(0),
    )


@cache
def _subcategory_names() -> dict[str, str]:
    """Chinese names of the shipped sub-categories (the file the Category table is synced from)."""
    return {category.code: category.name_zh for category in read_categories()}


def _county_code(region: Region) -> str | None:
    """Division codes nest (县 6 digits, 乡镇 9): a county's code is its descendants' prefix."""
    if region.level == RegionLevel.CITY:
        return None
    return region.code[:6] + "000000"


def _township_code(region: Region) -> str | None:
    if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        return None
    return region.code[:9] + "000"


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _published_at(entry: Need | Offer) -> datetime:
    if entry.published_at is None:
        msg = f"{type(entry).__name__} {entry.id} was never published: not searchable"
        raise ValueError(msg)
    return entry.published_at


def document_of_need(need: Need, today: date) -> SearchDocument:
    return SearchDocument(
        id=f"need:{need.id}",
        kind="need",
        title=need.title,
        description=need.description or "",
        category=str(need.category),
        subcategory=need.subcategory_code,
        subcategory_name=_subcategory_names().get(need.subcategory_code, ""),
        tags=tuple(need.tags or ()),
        region_names=_unique(need.region.full_name.split("/")),
        organization_name="",
        county_codes=(need.county_code,),
        township_codes=(need.township_code,),
        urgency=str(need.urgency),
        state=shown_state(need.state, need.deadline, today),
        published_at=_published_at(need),
        deadline=need.deadline,
        amount=_yuan(need.lines, "sought"),
    )


def document_of_offer(offer: Offer, today: date) -> SearchDocument:
    regions = offer.service_regions
    return SearchDocument(
        id=f"offer:{offer.id}",
        kind="offer",
        title=offer.title,
        description=offer.description or "",
        category=str(offer.category),
        subcategory=offer.subcategory_code,
        subcategory_name=_subcategory_names().get(offer.subcategory_code, ""),
        tags=tuple(offer.tags or ()),
        region_names=_unique(name for region in regions for name in region.full_name.split("/")),
        organization_name=offer.organization.name,
        county_codes=_unique(_county_code(region) for region in regions),
        township_codes=_unique(_township_code(region) for region in regions),
        urgency=None,
        state=shown_state(offer.state, offer.valid_until, today),
        published_at=_published_at(offer),
        deadline=offer.valid_until,
        amount=_yuan(offer.lines, "offered"),
    )
