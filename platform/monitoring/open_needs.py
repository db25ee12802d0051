"""The needs still waiting in the catalogue (published, neither closed nor withdrawn): how
urgent their stations flagged them (红黄绿) and how long they have been open, counted in SQL.
Narrowed like the needs collected (``monitoring.figures.published_needs``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.workflow import EntryState
from core.errors import N_
from demand.models import Need, Urgency
from monitoring.figures import published_needs
from monitoring.filters import StatsFilters


class Age(StrEnum):
    """Days since the need was published."""

    UNDER_30 = "under_30"
    FROM_30 = "30_to_89"
    FROM_90 = "90_or_more"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Age.UNDER_30: N_("Under 30 days"),
    Age.FROM_30: N_("30 to 89 days"),
    Age.FROM_90: N_("90 days or more"),
}


class OpenNeeds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _open(self, filters: StatsFilters) -> list[ColumnElement[bool]]:
        dialect = self.session.get_bind().dialect.name
        return [Need.state == EntryState.PUBLISHED, *published_needs(filters, dialect)]

    async def by_urgency(self, filters: StatsFilters) -> dict[Urgency, int]:
        """Every flag, those without open needs at zero."""
        rows = await self.session.execute(
            select(Need.urgency, func.count(Need.id))
            .where(*self._open(filters))
            .group_by(Need.urgency)
        )
        counts = {Urgency(urgency): count for urgency, count in rows}
        return {urgency: counts.get(urgency, 0) for urgency in Urgency}

    async def by_age(self, filters: StatsFilters, now: datetime) -> dict[Age, int]:
        """Every band, those without open needs at zero."""
        band = case(
            (Need.published_at > now - timedelta(days=30), Age.UNDER_30.value),
            (Need.published_at > now - timedelta(days=90), Age.FROM_30.value),
            else_=Age.FROM_90.value,
        ).label("band")
        rows = await self.session.execute(
            select(band, func.count(Need.id)).where(*self._open(filters)).group_by(band)
        )
        counts = {Age(name): count for name, count in rows}
        return {age: counts.get(age, 0) for age in Age}
