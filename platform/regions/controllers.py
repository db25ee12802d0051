"""HTTP for regions: the JSON API, the county directory pages and the region picker fragment."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from accounts.access import PUBLIC
from core.error_contract import error_responses
from core.errors import N_, FieldProblem, InvalidInput
from core.pagination import Page, PageRequest
from regions.deps import REGION_DEPENDENCIES
from regions.models import Region, RegionLevel
from regions.picker import picker_state
from regions.schemas import RegionRead
from regions.service import RegionService

CODE_PATTERN = r"^\d{12}$"


class RegionApiController(Controller):
    opt = PUBLIC
    path = "/api/v1/regions"
    tags = ["regions"]
    dependencies = REGION_DEPENDENCIES

    @get(
        "/",
        summary="List regions: children of a parent, or a name search",
        responses=error_responses(400),
    )
    async def list_regions(
        self,
        regions: NamedDependency[RegionService],
        page_request: NamedDependency[PageRequest],
        parent: Annotated[
            str | None,
            QueryParameter(pattern=CODE_PATTERN, description="Children of this 12-digit code"),
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(min_length=1, max_length=50, description="Part of a name"),
        ] = None,
        level: Annotated[RegionLevel | None, QueryParameter(description="Only this level")] = None,
    ) -> Page[RegionRead]:
        return await regions.find(page_request, parent_code=parent, level=level, name_contains=q)

    @get(
        "/{code:str}",
        summary="One region by its 12-digit code",
        responses=error_responses(400, 404),
    )
    async def get_region(
        self, regions: NamedDependency[RegionService], code: FromPath[str]
    ) -> RegionRead:
        _require_code_format(code)
        return RegionRead.model_validate(await regions.require(code))


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
    ) -> Template:
        """The county → township → village selects, re-rendered as each choice changes."""
        state = await picker_state(
            regions, field=field, code=code, county=county, township=township, village=village
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
        _require_code_format(code)
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


def _require_code_format(code: str) -> None:
    if len(code) != 12 or not code.isdigit():
        raise InvalidInput(
            N_("A division code has 12 digits."),
            problems=[FieldProblem("code", "invalid_code", N_("A division code has 12 digits."))],
        )
