"""Dependency providers of the two-kind pages: needs, offers, regions, paging and filters."""

from litestar.di import Provide

from catalogue.deps import provide_entry_filters
from core.pagination import provide_page_request
from demand.deps import provide_needs
from regions.deps import provide_region_service
from supply.deps import provide_offers

CATALOGUE_DEPENDENCIES = {
    "needs": Provide(provide_needs),
    "offers": Provide(provide_offers),
    "regions": Provide(provide_region_service),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_entry_filters),
}
