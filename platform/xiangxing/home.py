"""The home page: what the platform is, what each kind of visitor can do on it today (each
promise a real route, linked the way this visitor can follow it), and live counts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.landing import landing
from catalogue.categories import category_tree
from core.access import PUBLIC
from core.i18n import LIST_SEPARATOR, locale_of
from regions.deps import REGION_DEPENDENCIES
from regions.models import RegionLevel
from regions.service import RegionService
from xiangxing.audiences import offers_for
from xiangxing.figures import catalogue_figures


class HomeController(Controller):
    opt = PUBLIC
    path = "/"
    dependencies = REGION_DEPENDENCIES
    include_in_schema = False

    @get("/", name="home")
    async def home(
        self,
        request: Request[Any, Any, Any],
        regions: NamedDependency[RegionService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        counts = await regions.counts()
        identity = request.user
        return Template(
            "home.html",
            context={
                "region_counts": counts,
                "counties": await regions.counties(),
                "levels": RegionLevel,
                "catalogue": await catalogue_figures(db_session),
                "categories": await category_tree(db_session),
                "separator": LIST_SEPARATOR[locale_of(request)],
                "audiences": offers_for(request.app, identity),
                "own_work": landing(identity.roles) if identity is not None else None,
            },
        )
