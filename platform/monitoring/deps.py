"""Dependency providers for the monitoring routes: the figures and the filters, checked
against the regions and programmes that exist."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.programmes import programmes
from core.errors import N_, FieldProblem, InvalidInput
from core.forms import parse_query
from core.pagination import provide_page_request
from monitoring.figures import Figures
from monitoring.filters import FundsQuery, StatsFilters
from monitoring.repository import PublicAgreements
from regions.models import Region, RegionLevel

BAD_FILTERS = N_("Some filters are not valid.")


async def provide_figures(db_session: NamedDependency[AsyncSession]) -> Figures:
    return Figures(db_session)


async def provide_stats_filters(
    db_session: NamedDependency[AsyncSession],
    year: Annotated[str | None, QueryParameter(description="The agreements' year")] = None,
    county: Annotated[str | None, QueryParameter(description="County code (12 digits)")] = None,
    category: Annotated[str | None, QueryParameter(description="Top category")] = None,
    programme: Annotated[str | None, QueryParameter(description="Programme code")] = None,
) -> StatsFilters:
    """The filters from the query string; empty values mean "any", a county that is not one
    or a programme nobody runs is a 400 naming the field."""
    filters = parse_query(
        StatsFilters, BAD_FILTERS, year=year, county=county, category=category, programme=programme
    )
    problems = []
    if filters.county is not None and not await _is_county(db_session, filters.county):
        problems.append(FieldProblem("county", "unknown", N_("No such county or district.")))
    if filters.programme is not None and filters.programme not in programmes():
        problems.append(FieldProblem("programme", "unknown", N_("No such programme.")))
    if problems:
        raise InvalidInput(BAD_FILTERS, problems=problems)
    return filters


async def _is_county(session: AsyncSession, code: str) -> bool:
    found = await session.scalar(
        select(Region.code).where(Region.code == code, Region.level == RegionLevel.COUNTY)
    )
    return found is not None


async def provide_funds_query(
    group_by: Annotated[
        str | None, QueryParameter(description="category, county, month or programme")
    ] = None,
) -> FundsQuery:
    return parse_query(FundsQuery, BAD_FILTERS, group_by=group_by)


STATS_DEPENDENCIES = {
    "figures": Provide(provide_figures),
    "filters": Provide(provide_stats_filters),
    "funds_query": Provide(provide_funds_query),
    "page_request": Provide(provide_page_request),
}


async def provide_public_agreements(
    db_session: NamedDependency[AsyncSession],
) -> PublicAgreements:
    return PublicAgreements(db_session)


TRANSPARENCY_DEPENDENCIES = {
    **STATS_DEPENDENCIES,
    "public": Provide(provide_public_agreements),
}
