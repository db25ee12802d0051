"""The home page: what the platform is, for whom, and live counts."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from core.access import PUBLIC
from regions.deps import REGION_DEPENDENCIES
from regions.models import RegionLevel
from regions.service import RegionService
from xiangxing.figures import catalogue_figures


class HomeController(Controller):
    opt = PUBLIC
    path = "/"
    dependencies = REGION_DEPENDENCIES
    include_in_schema = False

    @get("/", name="home")
    async def home(
        self, regions: NamedDependency[RegionService], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        counts = await regions.counts()
        return Template(
            "home.html",
            context={
                "region_counts": counts,
                "counties": await regions.counties(),
                "levels": RegionLevel,
                "catalogue": await catalogue_figures(db_session),
            },
        )
