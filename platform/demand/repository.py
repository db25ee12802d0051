"""Every query on needs."""

from __future__ import annotations

from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, select

from catalogue.repository import list_order
from catalogue.schemas import EntryFilters
from core.pagination import PageRequest
from core.recent import RecentAnswers
from core.totals import Total, total_of
from demand.models import Channel, Need, Urgency


class NeedRepository(SQLAlchemyAsyncRepository[Need]):
    model_type = Need

    async def page(
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
    ) -> tuple[list[Need], Total]:
        """Readable needs (``demand.policy``) in the filters' order, narrowed by the catalogue
        filters; ``posted_by`` is the needs a reviewer entered on behalf of stations,
        associations and departments; ``still_sought`` leaves out needs whose every line is
        committed (left out of the planner's estimate of the total, which it cannot judge)."""
        conditions = [readable, *self._conditions(filters, urgency, township_code)]
        if posted_by is not None:
            conditions.append(Need.created_by_id == posted_by)
        sought = [] if still_sought is None else [still_sought]
        total = await total_of(self.session, Need, conditions, totals, unplanned=sought)
        rows = await self.session.scalars(
            select(Need)
            .where(*conditions, *sought)
            .order_by(
                *list_order(Need, filters.sort, deadline=Need.deadline, urgency=Need.urgency_weight)
            )
            .limit(page.page_size)
            .offset(page.offset)
        )
        return list(rows), total

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
