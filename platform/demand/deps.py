"""Dependency providers for the needs' API and pages."""

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.deps import provide_entry_filters
from core.clock import Clock
from core.pagination import provide_page_request
from core.recent import PublicMemory
from core.settings import Settings
from demand.photo_service import NeedPhotoService
from demand.photo_store import PhotoStore
from demand.service import NeedService


async def provide_needs(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    public_memory: NamedDependency[PublicMemory],
) -> NeedService:
    return NeedService(db_session, clock, public_memory)


NEED_DEPENDENCIES = {
    "needs": Provide(provide_needs),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_entry_filters),
}


async def provide_photos(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> NeedPhotoService:
    return NeedPhotoService(db_session, clock, PhotoStore.of(settings))


PHOTO_DEPENDENCIES = {"photos": Provide(provide_photos)}
PHOTO_API_DEPENDENCIES = {**PHOTO_DEPENDENCIES, "page_request": Provide(provide_page_request)}
