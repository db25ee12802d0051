"""Everything the staff dashboard shows for one choice of filters, computed live from the
aggregates (``monitoring.figures``, ``monitoring.pipeline``, ``monitoring.open_needs``) and
the reviewers' alerts (``followup``): the page and its workbook read the same object, so
they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Origin
from core.categories import TopCategory
from core.clock import Clock
from demand.models import Urgency
from followup.alerts import AlertKind
from followup.policy import sees_alerts
from followup.schemas import AlertFilters
from followup.service import FollowUpService
from monitoring.figures import CountyFigures, Figures, FundsGroup, Overview
from monitoring.filters import FundsGrouping, StatsFilters
from monitoring.open_needs import Age, OpenNeeds
from monitoring.pipeline import Pipeline, Stage


@dataclass(frozen=True, slots=True)
class Dashboard:
    filters: StatsFilters
    made_at: datetime
    overview: Overview
    needs_pipeline: dict[Stage, int]
    offers_pipeline: dict[Stage, int]
    coverage: list[CountyFigures]
    by_category: list[FundsGroup]
    by_month: list[FundsGroup]
    needs_by_urgency: dict[Urgency, int]
    needs_by_age: dict[Age, int]
    alerts: dict[AlertKind, int] | None
    """Open alerts per kind in the filtered county, for those ``followup.policy`` shows them
    to; ``None`` for the others."""

    @property
    def by_origin(self) -> dict[Origin, int]:
        """Organizations engaged by origin, every origin listed."""
        found = self.overview.organizations_by_origin
        return {origin: found.get(origin, 0) for origin in Origin}

    @property
    def needs_by_category(self) -> dict[TopCategory, int]:
        """Needs collected by category, every category listed."""
        found = self.overview.needs_by_category
        return {category: found.get(category, 0) for category in TopCategory}

    @property
    def uncovered(self) -> list[CountyFigures]:
        return [county for county in self.coverage if county.agreements == 0]


async def open_alerts(
    session: AsyncSession, clock: Clock, identity: Identity, filters: StatsFilters
) -> dict[AlertKind, int] | None:
    if not sees_alerts(identity):
        return None
    return await FollowUpService(session, clock).alert_counts(
        identity, AlertFilters(county=filters.county)
    )


async def dashboard(
    session: AsyncSession, clock: Clock, identity: Identity, filters: StatsFilters
) -> Dashboard:
    figures, pipeline, open_needs = Figures(session), Pipeline(session), OpenNeeds(session)
    now = clock()
    return Dashboard(
        filters=filters,
        made_at=now,
        overview=await figures.overview(filters),
        needs_pipeline=await pipeline.needs(filters),
        offers_pipeline=await pipeline.offers(filters),
        coverage=await figures.coverage(filters),
        by_category=await figures.funds(filters, FundsGrouping.CATEGORY),
        by_month=await figures.funds(filters, FundsGrouping.MONTH),
        needs_by_urgency=await open_needs.by_urgency(filters),
        needs_by_age=await open_needs.by_age(filters, now),
        alerts=await open_alerts(session, clock, identity, filters),
    )
