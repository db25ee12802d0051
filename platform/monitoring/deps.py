"""Dependency providers for the monitoring controllers."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import N_
from core.forms import parse_query
from core.pagination import provide_page_request
from monitoring.schemas import AlertFilters
from monitoring.service import MonitoringService


async def provide_monitoring(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> MonitoringService:
    return MonitoringService(db_session, clock)


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
    "monitoring": Provide(provide_monitoring),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_alert_filters),
}
