"""Everything the staff dashboard shows for one choice of filters, computed live from the
aggregates (``monitoring.figures``, ``monitoring.pipeline``, ``monitoring.open_needs``) and
the reviewers' alerts (``followup``): the page and its workbook read the same object, so
they cannot disagree."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Origin
from core.categories import TopCategory
from core.clock import Clock
from core.snapshot_reads import snapshot_reads
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
    """The overview, the coverage and the money by category sum one pass over the counted
    agreements (``Figures.counted_agreements``); that pass and the other parts depend on none
    of each other, so they are read side by side in the snapshot of the request's transaction
    (``core.snapshot_reads``), the dearest first."""
    now = clock()
    read = await snapshot_reads(session)
    async with asyncio.TaskGroup() as parts:
        by_month = parts.create_task(
            read(lambda own: Figures(own).funds(filters, FundsGrouping.MONTH))
        )
        counted = parts.create_task(read(lambda own: Figures(own).counted_agreements(filters)))
        alerts = parts.create_task(read(lambda own: open_alerts(own, clock, identity, filters)))
        open_needs = parts.create_task(read(lambda own: OpenNeeds(own).counts(filters, now)))
        by_origin = parts.create_task(
            read(lambda own: Figures(own).organizations_by_origin(filters))
        )
        needs_by_category = parts.create_task(
            read(lambda own: Figures(own).needs_by_category(filters))
        )
        needs_pipeline = parts.create_task(read(lambda own: Pipeline(own).needs(filters)))
        offers_pipeline = parts.create_task(read(lambda own: Pipeline(own).offers(filters)))
        counties = parts.create_task(read(lambda own: Figures(own).counties(filters)))
    return Dashboard(
        filters=filters,
        made_at=now,
        overview=Figures.overview_of(
            by_origin.result(), needs_by_category.result(), counted.result()
        ),
        needs_pipeline=needs_pipeline.result(),
        offers_pipeline=offers_pipeline.result(),
        coverage=Figures.coverage_of(counties.result(), counted.result()),
        by_category=counted.result().by_category(),
        by_month=by_month.result(),
        needs_by_urgency=open_needs.result().by_urgency,
        needs_by_age=open_needs.result().by_age,
        alerts=alerts.result(),
    )
