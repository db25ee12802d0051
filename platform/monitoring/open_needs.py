"""The needs still waiting in the catalogue (published, neither closed nor withdrawn): how
urgent their stations flagged them (红黄绿) and how long they have been open, counted in SQL.
Narrowed like the needs collected (``monitoring.figures.published_needs``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import case, func, select
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


@dataclass(frozen=True, slots=True)
class OpenNeedCounts:
    by_urgency: dict[Urgency, int]
    """Every flag, those without open needs at zero."""
    by_age: dict[Age, int]
    """Every band, those without open needs at zero."""


class OpenNeeds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def counts(self, filters: StatsFilters, now: datetime) -> OpenNeedCounts:
        """Both counts in one pass over the open needs, grouped by flag and band at once."""
        dialect = self.session.get_bind().dialect.name
        band = case(
            (Need.published_at > now - timedelta(days=30), Age.UNDER_30.value),
            (Need.published_at > now - timedelta(days=90), Age.FROM_30.value),
            else_=Age.FROM_90.value,
        ).label("band")
        rows = await self.session.execute(
            select(Need.urgency, band, func.count())
            .where(Need.state == EntryState.PUBLISHED, *published_needs(filters, dialect))
            .group_by(Need.urgency, band)
        )
        by_urgency = dict.fromkeys(Urgency, 0)
        by_age = dict.fromkeys(Age, 0)
        for urgency, age, count in rows:
            by_urgency[Urgency(urgency)] += count
            by_age[Age(age)] += count
        return OpenNeedCounts(by_urgency, by_age)
