"""Every query on offers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Row, exists, or_, select

from accounts.models import Organization
from catalogue.repository import list_order, rows_by_entry, rows_of_entries
from catalogue.schemas import EntryFilters
from core.pagination import PageRequest
from core.recent import RecentAnswers
from core.totals import Total, total_of
from supply.models import Offer, OfferLine, offer_region, remaining_capacity

LISTED_COLUMNS = (
    *(
        getattr(Offer, name)
        for name in (
            "id",
            "organization_id",
            "category",
            "subcategory_code",
            "title",
            "description",
            "valid_from",
            "valid_until",
            "capacity",
            "capacity_used",
            "tags",
            "state",
            "returned_reason",
            "published_at",
            "entered_on_behalf_by_id",
            "version",
            "contact_name",
            "contact_phone",
        )
    ),
    Organization.name.label("organization_name"),
)
"""What a list or the API shows of an offer, with its organization's name."""
LISTED = select(*LISTED_COLUMNS).join(Organization, Organization.id == Offer.organization_id)
"""Built once, like ``demand.repository.LISTED``."""
LINES = rows_of_entries(
    tuple(
        getattr(OfferLine, name)
        for name in (
            "offer_id",
            "id",
            "kind",
            "item",
            "unit",
            "value",
            "offered",
            "committed",
            "delivered",
        )
    ),
    OfferLine.offer_id,
    OfferLine.position,
)
SERVED = rows_of_entries(
    (offer_region.c.offer_id, offer_region.c.region_code),
    offer_region.c.offer_id,
    offer_region.c.region_code,
)
"""The divisions each offer of a page serves."""


@dataclass(frozen=True, slots=True)
class ListedOffer:
    """An offer read as plain columns, with its lines in order and the codes of the divisions
    it serves: the API answers from three statements without building ORM objects."""

    row: Row[Any]
    lines: list[Row[Any]]
    service_region_codes: list[str]

    def __getattr__(self, name: str) -> Any:
        """The listed columns read as attributes, as pages read a loaded offer."""
        return getattr(self.row, name)

    @property
    def deadline(self) -> date:
        return self.row.valid_until

    @property
    def remaining_capacity(self) -> int:
        return remaining_capacity(self.row.capacity, self.row.capacity_used)


class OfferRepository(SQLAlchemyAsyncRepository[Offer]):
    model_type = Offer

    async def page(
        self,
        page: PageRequest,
        filters: EntryFilters,
        *,
        readable: ColumnElement[bool],
        organization_id: UUID | None = None,
        totals: RecentAnswers[int] | None = None,
    ) -> tuple[list[Offer], Total]:
        """Readable offers (``supply.policy``) in the filters' order, narrowed by the catalogue
        filters; a region filter matches offers serving that region or any region above it (a
        county-wide offer serves its townships)."""
        conditions = [readable, *self._conditions(filters, organization_id)]
        total = await total_of(self.session, Offer, conditions, totals)
        rows = await self.session.scalars(
            select(Offer)
            .where(*conditions)
            .order_by(*list_order(Offer, filters.sort, deadline=Offer.valid_until))
            .limit(page.page_size)
            .offset(page.offset)
        )
        return list(rows), total

    async def listed_page(
        self,
        page: PageRequest,
        filters: EntryFilters,
        *,
        readable: ColumnElement[bool],
        organization_id: UUID | None = None,
        totals: RecentAnswers[int] | None = None,
    ) -> tuple[list[ListedOffer], Total]:
        """The same page as `page`, read as `ListedOffer` columns."""
        conditions = [readable, *self._conditions(filters, organization_id)]
        total = await total_of(self.session, Offer, conditions, totals)
        rows = await self.session.execute(
            LISTED.where(*conditions)
            .order_by(*list_order(Offer, filters.sort, deadline=Offer.valid_until))
            .limit(page.page_size)
            .offset(page.offset)
        )
        return await self._completed(list(rows)), total

    async def listed_one(self, offer_id: UUID, readable: ColumnElement[bool]) -> ListedOffer | None:
        """One readable offer as `ListedOffer` columns; None when it is not there for the reader."""
        rows = await self.session.execute(LISTED.where(Offer.id == offer_id, readable))
        found = await self._completed(list(rows))
        return found[0] if found else None

    async def _completed(self, rows: Sequence[Row[Any]]) -> list[ListedOffer]:
        """The rows' lines and served divisions, a statement each for the whole page."""
        ids = [row.id for row in rows]
        lines = await rows_by_entry(self.session, LINES, ids)
        served = await rows_by_entry(self.session, SERVED, ids)
        return [
            ListedOffer(row, lines[row.id], [place.region_code for place in served[row.id]])
            for row in rows
        ]

    async def all_matching(
        self,
        filters: EntryFilters,
        *,
        readable: ColumnElement[bool],
        organization_id: UUID | None = None,
        limit: int,
    ) -> list[Offer]:
        rows = await self.session.scalars(
            select(Offer)
            .where(readable, *self._conditions(filters, organization_id))
            .order_by(Offer.created_at)
            .limit(limit)
        )
        return list(rows)

    def _conditions(
        self,
        filters: EntryFilters,
        organization_id: UUID | None,
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if organization_id is not None:
            conditions.append(Offer.organization_id == organization_id)
        if filters.state is not None:
            conditions.append(Offer.state == filters.state)
        if filters.category is not None:
            conditions.append(Offer.category == filters.category)
        if filters.subcategory:
            conditions.append(Offer.subcategory_code == filters.subcategory)
        if filters.q:
            conditions.append(Offer.title.contains(filters.q, autoescape=True))
        place = filters.township or filters.county
        if place:
            conditions.append(serving(place))
        return conditions


def serving(code: str) -> ColumnElement[bool]:
    """Offers serving the division or any division above it (a county-wide offer serves its
    townships and villages)."""
    served = [code, *_ancestor_codes(code)]
    return exists().where(
        offer_region.c.offer_id == Offer.id, offer_region.c.region_code.in_(served)
    )


def _ancestor_codes(code: str) -> list[str]:
    """The township, county and city above a 12-digit code, from the code itself (GB/T 2260
    layout)."""
    township = code[:9] + "000"
    county = code[:6] + "000000"
    city = code[:4] + "00000000"
    return [c for c in dict.fromkeys((township, county, city)) if c != code]


def serves_county(county: str) -> ColumnElement[bool]:
    """Offers serving somewhere in the county: the county itself, a place in it, or the city
    above it (codes nest: a county's places share its first six digits)."""
    return exists().where(
        offer_region.c.offer_id == Offer.id,
        or_(
            offer_region.c.region_code.in_(_ancestor_codes(county)),
            offer_region.c.region_code.between(county[:6] + "000000", county[:6] + "999999"),
        ),
    )
