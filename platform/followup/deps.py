"""Dependency providers for the follow-up controllers."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import N_
from core.forms import parse_query
from core.pagination import provide_page_request
from followup.schemas import AlertFilters
from followup.service import FollowUpService


async def provide_follow_up(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> FollowUpService:
    return FollowUpService(db_session, clock)


async def provide_alert_filters(
    kind: Annotated[
        str | None,
        QueryParameter(description="no_disbursement, unconfirmed, no_evidence or report_overdue"),
    ] = None,
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
) -> AlertFilters:
    """The filters from the query string; empty values mean "any"."""
    return parse_query(AlertFilters, N_("Some filters are not valid."), kind=kind, county=county)


MONITORING_DEPENDENCIES = {
    "follow_up": Provide(provide_follow_up),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_alert_filters),
}
