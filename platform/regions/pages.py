"""The regions pages: the county directory, one division's page and the region picker fragment."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core.access import PUBLIC
from regions.deps import REGION_DEPENDENCIES
from regions.models import Region
from regions.picker import picker_state
from regions.schemas import CODE_PATTERN, require_code_format
from regions.service import RegionService


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
        code: Annotated[str | None, QueryParameter(pattern=CODE_PATTERN)] = None,
    ) -> Redirect:
        """Where the picker form on the directory page lands."""
        return Redirect(f"/regions/{code}" if code else "/regions")

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

    @get("/{code:str}", name="regions:detail")
    async def region_page(
        self, regions: NamedDependency[RegionService], code: FromPath[str]
    ) -> Template:
        require_code_format(code)
        region: Region = await regions.require(code)
        children = await regions.children(code)
        return Template(
            "regions/detail.html",
            context={
                "region": region,
                "breadcrumb": await regions.breadcrumb(region),
                "children": children,
                "grandchild_counts": await regions.child_counts(children),
            },
        )
