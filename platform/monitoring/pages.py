"""The public transparency page (公示, ``/transparency``) and its CSV: the signed agreements,
paged and filtered by county and category, and the money by county and by category with a
chart and its table. No sign-in; what it shows is ``monitoring.policy``'s public statement,
the same for everyone, and remembered for a few seconds like the public catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from agreements.programmes import programme_name
from core.access import PUBLIC
from core.categories import TopCategory
from core.clock import Clock, local_date
from core.downloads import CSV_TYPE, attachment
from core.i18n import locale_of, translate
from core.pagination import PageRequest, Slice
from core.recent import PublicMemory
from monitoring.charts import funds_bars
from monitoring.deps import TRANSPARENCY_DEPENDENCIES
from monitoring.figures import Figures, FundsGroup
from monitoring.filters import FundsGrouping, StatsFilters
from monitoring.repository import PublicAgreement, PublicAgreements
from monitoring.transparency_csv import transparency_csv
from regions.deps import provide_region_service
from regions.service import RegionService


def chosen_filters(filters: StatsFilters) -> dict[str, str]:
    """The filters in force as query values, kept across pages and in the download links."""
    return {name: str(value) for name, value in filters.model_dump().items() if value is not None}


@dataclass(frozen=True, slots=True)
class Published:
    """What the page shows for one choice of filters and page: the same for every visitor, so
    each app remembers it for a few seconds (``core.recent``)."""

    page: Slice[PublicAgreement]
    by_county: list[FundsGroup]
    by_category: list[FundsGroup]


async def published(
    public: PublicAgreements, figures: Figures, filters: StatsFilters, page: PageRequest
) -> Published:
    return Published(
        await public.page(filters, page),
        await figures.funds(filters, FundsGrouping.COUNTY),
        await figures.funds(filters, FundsGrouping.CATEGORY),
    )


class TransparencyController(Controller):
    include_in_schema = False
    opt = PUBLIC
    dependencies = {
        **TRANSPARENCY_DEPENDENCIES,
        "regions": Provide(provide_region_service),
    }

    @get("/transparency", name="monitoring:transparency")
    async def index(
        self,
        request: Request[Any, Any, Any],
        public: NamedDependency[PublicAgreements],
        figures: NamedDependency[Figures],
        regions: NamedDependency[RegionService],
        filters: NamedDependency[StatsFilters],
        page_request: NamedDependency[PageRequest],
        public_memory: NamedDependency[PublicMemory],
    ) -> Template:
        locale = locale_of(request)
        found = cast(
            Published,
            await public_memory.pages.get(
                ("transparency", filters, page_request),
                lambda: published(public, figures, filters, page_request),
            ),
        )
        by_county, by_category = found.by_county, found.by_category
        category_names = [translate(locale, TopCategory(group.key).label) for group in by_category]
        return Template(
            "monitoring/transparency.html",
            context={
                "page": found.page,
                "chosen": chosen_filters(filters),
                "county_choices": [
                    (county.code, county.short_name) for county in await regions.counties()
                ],
                "categories": list(TopCategory),
                "programme_name": programme_name,
                "by_county": [(group.name, group) for group in by_county],
                "by_category": list(zip(category_names, by_category, strict=True)),
                "county_chart": funds_bars(by_county, [g.name for g in by_county], locale),
                "category_chart": funds_bars(by_category, category_names, locale),
            },
        )

    @get("/transparency.csv", name="monitoring:transparency_csv")
    async def download(
        self,
        request: Request[Any, Any, Any],
        public: NamedDependency[PublicAgreements],
        filters: NamedDependency[StatsFilters],
        clock: NamedDependency[Clock],
    ) -> Response[bytes]:
        """Every published agreement the filters keep, as the page lists them."""
        content = transparency_csv(await public.everything(filters), locale_of(request))
        today = local_date(clock()).isoformat()
        return attachment(content, CSV_TYPE, f"帮扶协议公示-{today}.csv")
