"""Dependency providers for the regions controllers."""

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar.di import Provide

from core.pagination import provide_page_request
from regions.service import RegionService

provide_region_service = create_service_provider(RegionService)

REGION_DEPENDENCIES = {
    "regions": Provide(provide_region_service),
    "page_request": Provide(provide_page_request),
}
