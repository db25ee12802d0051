"""Dependency providers for the offer controllers."""

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.deps import provide_entry_filters
from core.clock import Clock
from core.pagination import provide_page_request
from core.recent import PublicMemory
from supply.service import OfferService


async def provide_offers(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    public_memory: NamedDependency[PublicMemory],
) -> OfferService:
    return OfferService(db_session, clock, public_memory)


OFFER_DEPENDENCIES = {
    "offers": Provide(provide_offers),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_entry_filters),
}
