"""The stats JSON API under ``/api/v1/stats``: the overview, coverage per county, money by
group and organizations with their figures, each narrowed by year, county, category and
programme; for reviewers, monitoring viewers and administrators (``monitoring.policy``)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from core.error_contract import error_responses
from core.pagination import Page, PageRequest
from monitoring.deps import STATS_DEPENDENCIES
from monitoring.figures import Figures
from monitoring.filters import FundsQuery, StatsFilters
from monitoring.policy import STATS_READERS
from monitoring.schemas import (
    CountyRead,
    CoverageRead,
    FundsGroupRead,
    FundsRead,
    OrganizationRead,
    OverviewRead,
)

ERRORS = error_responses(400, 401, 403)


class StatsApiController(Controller):
    path = "/api/v1/stats"
    tags = ["stats"]
    opt = STATS_READERS
    dependencies = STATS_DEPENDENCIES

    @get(
        "/overview",
        summary="Organizations, needs, agreements, projects and money",
        responses=ERRORS,
    )
    async def overview(
        self, figures: NamedDependency[Figures], filters: NamedDependency[StatsFilters]
    ) -> OverviewRead:
        """Counts of agreements signed or later and the money of their ledgers."""
        return OverviewRead.of(await figures.overview(filters))

    @get("/coverage", summary="Agreements and money per county", responses=ERRORS)
    async def coverage(
        self, figures: NamedDependency[Figures], filters: NamedDependency[StatsFilters]
    ) -> CoverageRead:
        """Every county, and those without any agreement signed or later."""
        counties = await figures.coverage(filters)
        return CoverageRead(
            counties=[CountyRead.model_validate(county) for county in counties],
            uncovered=[county.code for county in counties if county.agreements == 0],
        )

    @get(
        "/funds", summary="Money grouped by category, county, month or programme", responses=ERRORS
    )
    async def funds(
        self,
        figures: NamedDependency[Figures],
        filters: NamedDependency[StatsFilters],
        funds_query: NamedDependency[FundsQuery],
    ) -> FundsRead:
        """Committed, disbursed, confirmed (delivered) and spent, per group that has any."""
        groups = await figures.funds(filters, funds_query.group_by)
        return FundsRead(
            group_by=funds_query.group_by,
            groups=[FundsGroupRead.model_validate(group) for group in groups],
        )

    @get(
        "/organizations", summary="Organizations with their agreements and money", responses=ERRORS
    )
    async def organizations(
        self,
        figures: NamedDependency[Figures],
        filters: NamedDependency[StatsFilters],
        page_request: NamedDependency[PageRequest],
    ) -> Page[OrganizationRead]:
        """Those with an agreement signed or later, the most committed first."""
        found = await figures.organizations(filters, page_request)
        return found.to_page(OrganizationRead.model_validate)
