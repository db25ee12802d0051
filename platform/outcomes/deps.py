"""Dependency providers for the outcomes controllers."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.pagination import provide_page_request
from core.settings import Settings
from demand.photo_store import PhotoStore
from outcomes.photos import ReportPhotos
from outcomes.service import ReportService


async def provide_reports(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> ReportService:
    return ReportService(db_session, clock)


async def provide_report_photos(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> ReportPhotos:
    return ReportPhotos(db_session, clock, PhotoStore.of(settings))


OUTCOME_DEPENDENCIES = {
    "reports": Provide(provide_reports),
    "report_photos": Provide(provide_report_photos),
    "page_request": Provide(provide_page_request),
}
