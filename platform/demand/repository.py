"""Every query on needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Row, select

from accounts.models import Station
from catalogue.lines import NeedProgress, need_progress
from catalogue.repository import list_order, rows_by_entry, rows_of_entries
from catalogue.schemas import EntryFilters
from core.pagination import PageRequest
from core.recent import RecentAnswers
from core.totals import Total, total_of
from demand.models import Channel, Need, NeedLine, Urgency
from regions.models import Region

LISTED_COLUMNS = (
    *(
        getattr(Need, name)
        for name in (
            "id",
            "category",
            "subcategory_code",
            "title",
            "description",
            "region_code",
            "township_code",
            "county_code",
            "channel",
            "channel_name",
            "beneficiary_count",
            "beneficiary_groups",
            "urgency",
            "deadline",
            "tags",
            "state",
            "returned_reason",
            "published_at",
            "entered_on_behalf_by_id",
            "verified_at",
            "version",
            "contact_name",
            "contact_phone",
        )
    ),
    Region.full_name.label("region_name"),
    Station.contact_name.label("station_contact_name"),
    Station.contact_phone.label("station_contact_phone"),
)
"""What a list or the API shows of a need, its place's name and its station's contact."""
LISTED = (
    select(*LISTED_COLUMNS)
    .join(Region, Region.code == Need.region_code)
    .outerjoin(Station, Station.id == Need.station_id)
)
"""Built once: composing a select of these columns cost a millisecond on every request."""
LINES = rows_of_entries(
    tuple(
        getattr(NeedLine, name)
        for name in (
            "need_id",
            "id",
            "kind",
            "item",
            "unit",
            "value",
            "sought",
            "committed",
            "delivered",
        )
    ),
    NeedLine.need_id,
    NeedLine.position,
)


@dataclass(frozen=True, slots=True)
class ListedNeed:
    """A need read as plain columns, with its lines in order: lists and details answer from
    two statements without building ORM objects (a third of the time of loading them)."""

    row: Row[Any]
    lines: list[Row[Any]]

    def __getattr__(self, name: str) -> Any:
        """The listed columns read as attributes, as pages read a loaded need."""
        return getattr(self.row, name)

    @property
    def progress(self) -> NeedProgress:
        return need_progress(self.lines)

    @property
    def entered_on_behalf(self) -> bool:
        return self.row.entered_on_behalf_by_id is not None


class NeedRepository(SQLAlchemyAsyncRepository[Need]):
    model_type = Need

    async def listed_page(
        self,
        page: PageRequest,
        filters: EntryFilters,
        *,
        urgency: Urgency | None = None,
        township_code: str | None = None,
        posted_by: UUID | None = None,
        readable: ColumnElement[bool],
        still_sought: ColumnElement[bool] | None = None,
        totals: RecentAnswers[int] | None = None,
    ) -> tuple[list[ListedNeed], Total]:
        """Readable needs (``demand.policy``) in the filters' order, narrowed by the catalogue
        filters; ``posted_by`` is the needs a reviewer entered on behalf of stations,
        associations and departments; ``still_sought`` leaves out needs whose every line is
        committed (left out of the planner's estimate of the total, which it cannot judge)."""
        conditions = [readable, *self._conditions(filters, urgency, township_code)]
        if posted_by is not None:
            conditions.append(Need.created_by_id == posted_by)
        sought = [] if still_sought is None else [still_sought]
        total = await total_of(self.session, Need, conditions, totals, unplanned=sought)
        rows = await self.session.execute(
            LISTED.where(*conditions, *sought)
            .order_by(
                *list_order(Need, filters.sort, deadline=Need.deadline, urgency=Need.urgency_weight)
            )
            .limit(page.page_size)
            .offset(page.offset)
        )
        return await self._with_lines(list(rows)), total

    async def listed_one(self, need_id: UUID, readable: ColumnElement[bool]) -> ListedNeed | None:
        """One readable need as `ListedNeed` columns; None when it is not there for the reader."""
        found = await self._with_lines(
            list(await self.session.execute(LISTED.where(Need.id == need_id, readable)))
        )
        return found[0] if found else None

    async def _with_lines(self, rows: Sequence[Row[Any]]) -> list[ListedNeed]:
        lines = await rows_by_entry(self.session, LINES, [r.id for r in rows])
        return [ListedNeed(row, lines[row.id]) for row in rows]

    async def all_matching(
        self,
        filters: EntryFilters,
        *,
        urgency: Urgency | None = None,
        township_code: str | None = None,
        readable: ColumnElement[bool],
        channel: Channel | None = None,
        limit: int,
    ) -> list[Need]:
        conditions = [readable, *self._conditions(filters, urgency, township_code)]
        if channel is not None:
            conditions.append(Need.channel == channel)
        rows = await self.session.scalars(
            select(Need).where(*conditions).order_by(Need.created_at).limit(limit)
        )
        return list(rows)

    def _conditions(
        self,
        filters: EntryFilters,
        urgency: Urgency | None,
        township_code: str | None,
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if filters.state is not None:
            conditions.append(Need.state == filters.state)
        if filters.category is not None:
            conditions.append(Need.category == filters.category)
        if filters.subcategory:
            conditions.append(Need.subcategory_code == filters.subcategory)
        if filters.county:
            conditions.append(Need.county_code == filters.county)
        if filters.township:
            conditions.append(Need.township_code == filters.township)
        if township_code is not None:
            conditions.append(Need.township_code == township_code)
        if urgency is not None:
            conditions.append(Need.urgency == urgency)
        if filters.q:
            conditions.append(Need.title.contains(filters.q, autoescape=True))
        return conditions
