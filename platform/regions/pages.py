"""The regions pages: the county directory, finding a division by code or name and the region
picker fragment (a division's own page, with its station, needs and offers, is
``listings.pages.regions``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_404_NOT_FOUND

from core.access import PUBLIC
from regions.deps import REGION_DEPENDENCIES
from regions.picker import picker_state
from regions.schemas import CODE_PATTERN
from regions.service import RegionService

LOOKUP_MAX_LENGTH = 50


class RegionPageController(Controller):
    opt = PUBLIC
    path = "/regions"
    dependencies = REGION_DEPENDENCIES
    include_in_schema = False

    @get("/", name="regions:index")
    async def county_directory(self, regions: NamedDependency[RegionService]) -> Template:
        return Template(
            "regions/index.html",
            context={"directory": await regions.county_directory()},
        )

    @get("/go", name="regions:go")
    async def go_to_region(
        self,
        regions: NamedDependency[RegionService],
        code: Annotated[str | None, QueryParameter(max_length=LOOKUP_MAX_LENGTH)] = None,
        q: Annotated[str | None, QueryParameter(max_length=LOOKUP_MAX_LENGTH)] = None,
    ) -> Redirect | Template:
        """Where the directory's forms land: the picker's choice (``code``) or what was typed
        (``q``: a code of 6 or 12 digits such as 530602, or a name). One division opens its
        page; several are listed to choose from; none says so and what may be typed."""
        typed = (q or code or "").strip()
        if not typed:
            return Redirect("/regions")
        found = await regions.lookup(typed)
        if len(found) == 1:
            return Redirect(f"/regions/{found[0].code}")
        return Template(
            "regions/found.html",
            context={"typed": typed, "found": found},
            status_code=HTTP_200_OK if found else HTTP_404_NOT_FOUND,
        )

    @get("/_picker", name="regions:picker")
    async def picker(
        self,
        regions: NamedDependency[RegionService],
        field: Annotated[str, QueryParameter(pattern=r"^[a-z_]{1,40}$")] = "region",
        code: Annotated[str | None, QueryParameter(pattern=CODE_PATTERN)] = None,
        county: Annotated[str | None, QueryParameter(name="_county")] = None,
        township: Annotated[str | None, QueryParameter(name="_township")] = None,
        village: Annotated[str | None, QueryParameter(name="_village")] = None,
        within: Annotated[str | None, QueryParameter(pattern=CODE_PATTERN)] = None,
    ) -> Template:
        """The county → township → village selects, re-rendered as each choice changes;
        ``within`` keeps them inside one division (a station's township)."""
        state = await picker_state(
            regions,
            field=field,
            code=code,
            county=county,
            township=township,
            village=village,
            within=within,
        )
        return Template(
            "_partials/region_picker.html",
            context={"picker": state},
            headers={"Vary": "HX-Request"},
        )
