"""Dependency providers for the outcomes controllers."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.pagination import provide_page_request
from outcomes.service import ReportService


async def provide_reports(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ReportService:
    return ReportService(db_session, clock)


OUTCOME_DEPENDENCIES = {
    "reports": Provide(provide_reports),
    "page_request": Provide(provide_page_request),
}
