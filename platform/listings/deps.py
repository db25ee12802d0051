"""Dependency providers of the two-kind pages: needs, offers, regions, paging and filters."""

from typing import Annotated, Any

from litestar.di import Provide
from litestar.params import QueryParameter

from catalogue.deps import provide_entry_filters
from core.errors import N_
from core.forms import parse_query
from core.pagination import provide_page_request
from demand.deps import provide_needs
from listings.review import ReviewFilters
from regions.deps import provide_region_service
from supply.deps import provide_offers

CATALOGUE_DEPENDENCIES = {
    "needs": Provide(provide_needs),
    "offers": Provide(provide_offers),
    "regions": Provide(provide_region_service),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_entry_filters),
}


def _option(description: str) -> Any:
    return QueryParameter(description=description, max_length=16)


async def provide_review_filters(
    kind: Annotated[str | None, _option("need or offer")] = None,
    category: Annotated[str | None, _option("Top category")] = None,
    county: Annotated[str | None, _option("County code")] = None,
    channel: Annotated[str | None, _option("How a need was collected (offers have none)")] = None,
    waiting: Annotated[str | None, _option("Waiting at least 3 or 7 days")] = None,
) -> ReviewFilters:
    """The review queue's filters from the query string; empty values mean "any"."""
    return parse_query(
        ReviewFilters,
        N_("Some filters are not valid."),
        kind=kind,
        category=category,
        county=county,
        channel=channel,
        waiting=waiting,
    )


REVIEW_DEPENDENCIES = {
    **CATALOGUE_DEPENDENCIES,
    "review_filters": Provide(provide_review_filters),
}
