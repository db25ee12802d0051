"""Reading the divisions: lookups that fail clearly, lists, and the county directory."""

from __future__ import annotations

from dataclasses import dataclass

from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService

from core.errors import N_, NotFound
from core.pagination import Page, PageRequest
from core.reference import ReferenceMemory
from regions.models import Region, RegionLevel
from regions.repository import RegionRepository
from regions.schemas import RegionRead, code_of

LOOKUP_LIMIT = 20
"""At most this many divisions answer a name typed in the directory's box."""


KEPT: ReferenceMemory[list[Region]] = ReferenceMemory(Region.__tablename__)
"""The counties, and the children of divisions pages chose, kept per worker."""


class RegionNotFound(NotFound):
    code = "region_not_found"


@dataclass(frozen=True, slots=True)
class CountyEntry:
    """A county with its townships and how many villages each holds."""

    county: Region
    townships: list[Region]
    villages_per_township: dict[str, int]

    @property
    def village_count(self) -> int:
        return sum(self.villages_per_township.values())


class RegionService(SQLAlchemyAsyncRepositoryService[Region, RegionRepository]):
    repository_type = RegionRepository

    async def require(self, code: str) -> Region:
        region = await self.repository.get_one_or_none(code=code)
        if region is None:
            raise RegionNotFound(
                N_("No administrative division has the code %(code)s."), params={"code": code}
            )
        return region

    async def find(
        self,
        page: PageRequest,
        *,
        parent_code: str | None = None,
        level: RegionLevel | None = None,
        name_contains: str | None = None,
    ) -> Page[RegionRead]:
        """A page of regions; an unknown parent is an error, not an empty list. A typed code
        (`code_of`: 530602, 530602000000) finds its one division."""
        if parent_code is not None:
            await self.require(parent_code)
        code = code_of(name_contains) if name_contains else None
        if code is not None:
            found = await self.repository.get_one_or_none(code=code)
            matches = [
                region
                for region in [found]
                if region is not None
                and level in (None, region.level)
                and parent_code in (None, region.parent_code)
            ]
            return Page[RegionRead](
                items=[RegionRead.model_validate(region) for region in matches],
                total=len(matches),
                page=page.page,
                page_size=page.page_size,
            )
        regions, total = await self.repository.page(
            page, parent_code=parent_code, level=level, name_contains=name_contains
        )
        return Page[RegionRead](
            items=[RegionRead.model_validate(region) for region in regions],
            total=total,
            page=page.page,
            page_size=page.page_size,
        )

    async def lookup(self, typed: str) -> list[Region]:
        """The divisions a typed code or name stands for: a code of 4, 6, 9 or 12 digits
        (530602 is 昭阳区), else names, exact ones first (昭阳区, 以勒镇, 镇雄县/以勒镇), else
        those containing it; at most `LOOKUP_LIMIT`."""
        typed = typed.strip()
        if not typed:
            return []
        code = code_of(typed)
        if code is not None:
            found = await self.repository.get_one_or_none(code=code)
            return [found] if found is not None else []
        regions, _total = await self.repository.page(
            PageRequest(page_size=LOOKUP_LIMIT), name_contains=typed
        )
        exact = [r for r in regions if typed in (r.short_name, r.name, r.full_name)]
        return exact or regions

    async def children(self, code: str) -> list[Region]:
        """The division's children in code order (kept per worker: ``core.reference``)."""

        async def read() -> list[Region]:
            await self.require(code)
            return await self.repository.kept_copies(Region.parent_code == code)

        return await KEPT.get(("children", code), read)

    async def breadcrumb(self, region: Region) -> list[Region]:
        return await self.repository.ancestors(region)

    async def counts(self) -> dict[RegionLevel, int]:
        return await self.repository.count_by_level()

    async def child_counts(self, regions: list[Region]) -> dict[str, int]:
        return await self.repository.child_counts([region.code for region in regions])

    async def counties(self) -> list[Region]:
        """The counties in code order (kept per worker: ``core.reference``)."""
        return await KEPT.get(
            "counties", lambda: self.repository.kept_copies(Region.level == RegionLevel.COUNTY)
        )

    async def county_directory(self) -> list[CountyEntry]:
        """Every county with its townships, for the directory page, in three queries."""
        counties = await self.counties()
        townships = await self.repository.get_many(
            level=RegionLevel.TOWNSHIP, order_by=[(Region.code, False)]
        )
        villages = await self.repository.child_counts([township.code for township in townships])
        return [
            CountyEntry(
                county=county,
                townships=[t for t in townships if t.parent_code == county.code],
                villages_per_township={
                    t.code: villages.get(t.code, 0)
                    for t in townships
                    if t.parent_code == county.code
                },
            )
            for county in counties
        ]
