"""The regions JSON API: children of a division, a name search, one division by its code."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from core.access import PUBLIC
from core.error_contract import error_responses
from core.pagination import Page, PageRequest
from regions.deps import REGION_DEPENDENCIES
from regions.models import RegionLevel
from regions.schemas import CODE_PATTERN, RegionRead, require_code_format
from regions.service import RegionService


class RegionApiController(Controller):
    opt = PUBLIC
    path = "/api/v1/regions"
    tags = ["regions"]
    dependencies = REGION_DEPENDENCIES

    @get(
        "/",
        summary="List regions: children of a parent, or a name search",
        responses=error_responses(400, 404),
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
        require_code_format(code)
        return RegionRead.model_validate(await regions.require(code))
