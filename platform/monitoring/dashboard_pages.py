"""The staff dashboard (数据看板, ``/dashboard``) and its workbook (``/dashboard.xlsx``), for
those the stats policy lets read the figures (``monitoring.policy``), narrowed by the stats
API's filters. A bad filter leaves the figures out and says why beside the field (400)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from agreements.programmes import programmes
from core.categories import TopCategory
from core.clock import Clock, local_date
from core.downloads import XLSX_TYPE, attachment
from core.errors import N_, InvalidInput
from core.i18n import locale_of, translate
from monitoring.charts import funds_bars
from monitoring.dashboard import Dashboard, dashboard
from monitoring.dashboard_charts import (
    MAP_FILE,
    MAP_NAME,
    URGENCY_COLOURS,
    count_bars,
    county_map,
    pipeline_bars,
)
from monitoring.dashboard_xlsx import dashboard_workbook
from monitoring.deps import provide_stats_filters
from monitoring.filters import StatsFilters
from monitoring.pages import chosen_filters
from monitoring.pipeline import Stage
from monitoring.policy import STATS_READERS
from regions.deps import provide_region_service
from regions.service import RegionService

FILTER_NAMES = ("year", "county", "category", "programme")
TEMPLATE = "monitoring/dashboard.html"
OPEN_NEEDS = N_("Open needs")


Rows = dict[str, list[tuple[str, str, Any]]]
"""Each table's rows by block: (key, name, figures)."""


def table_rows(board: Dashboard, locale: str) -> Rows:
    """Each table's rows as (key, name in the reader's language, figures)."""
    return {
        "origin": [
            (o.value, translate(locale, o.label), count) for o, count in board.by_origin.items()
        ],
        "needs": [
            (c.value, translate(locale, c.label), count)
            for c, count in board.needs_by_category.items()
        ],
        "category": [
            (g.key, translate(locale, TopCategory(g.key).label), g.money) for g in board.by_category
        ],
        "month": [(g.key, g.key, g.money) for g in board.by_month],
        "urgency": [
            (u.value, translate(locale, u.label), count)
            for u, count in board.needs_by_urgency.items()
        ],
        "age": [
            (a.value, translate(locale, a.label), count) for a, count in board.needs_by_age.items()
        ],
    }


def charts(board: Dashboard, rows: Rows, locale: str) -> dict[str, Any]:
    """The ECharts option of each block, from the same figures as its table."""

    def names(block: str) -> list[str]:
        return [name for _key, name, _figures in rows[block]]

    return {
        "map": county_map(board.coverage, locale),
        "pipeline": pipeline_bars(board.needs_pipeline, board.offers_pipeline, locale),
        "category": funds_bars(board.by_category, names("category"), locale),
        "month": funds_bars(board.by_month, names("month"), locale),
        "urgency": count_bars(
            [count for _key, _name, count in rows["urgency"]],
            names("urgency"),
            translate(locale, OPEN_NEEDS),
            [URGENCY_COLOURS[key] for key, _name, _count in rows["urgency"]],
        ),
        "age": count_bars(
            [count for _key, _name, count in rows["age"]],
            names("age"),
            translate(locale, OPEN_NEEDS),
        ),
    }


class DashboardController(Controller):
    include_in_schema = False
    opt = STATS_READERS
    dependencies = {
        "filters": Provide(provide_stats_filters),
        "regions": Provide(provide_region_service),
    }

    @get("/dashboard", name="monitoring:dashboard")
    async def index(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        regions: NamedDependency[RegionService],
    ) -> Template:
        chosen = {name: request.query_params.get(name) or "" for name in FILTER_NAMES}
        context: dict[str, Any] = {
            "chosen": chosen,
            "county_choices": [(c.code, c.short_name) for c in await regions.counties()],
            "categories": list(TopCategory),
            "programme_choices": list(programmes().items()),
            "stages": list(Stage),
            "map_name": MAP_NAME,
            "map_file": MAP_FILE,
        }
        try:
            filters = await provide_stats_filters(db_session, **chosen)
        except InvalidInput as error:
            return Template(
                TEMPLATE,
                context={**context, "error": error, "board": None},
                status_code=HTTP_400_BAD_REQUEST,
            )
        board = await dashboard(db_session, clock, request.user, filters)
        locale = locale_of(request)
        rows = table_rows(board, locale)
        return Template(
            TEMPLATE,
            context={
                **context,
                "error": None,
                "board": board,
                "query": chosen_filters(filters),
                "charts": charts(board, rows, locale),
                "rows": rows,
            },
        )

    @get("/dashboard.xlsx", name="monitoring:dashboard_xlsx")
    async def download(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        filters: NamedDependency[StatsFilters],
    ) -> Response[bytes]:
        """The whole dashboard under the filters in force, one sheet per block."""
        board = await dashboard(db_session, clock, request.user, filters)
        content = dashboard_workbook(board, locale_of(request))
        today = local_date(board.made_at).isoformat()
        return attachment(content, XLSX_TYPE, f"数据看板-{today}.xlsx")
