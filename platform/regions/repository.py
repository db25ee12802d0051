"""Every query on the Region table."""

from __future__ import annotations

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, case, func, or_, select

from core.pagination import PageRequest
from regions.models import Region, RegionLevel

_LEVEL_RANK = [(Region.level == level, rank) for rank, level in enumerate(RegionLevel)]


class RegionRepository(SQLAlchemyAsyncRepository[Region]):
    model_type = Region
    id_attribute = "code"

    async def page(
        self,
        page: PageRequest,
        *,
        parent_code: str | None = None,
        level: RegionLevel | None = None,
        name_contains: str | None = None,
    ) -> tuple[list[Region], int]:
        """Regions narrowed by parent, level and part of a name.

        A name with ``/`` is matched against the name path (镇雄县/以勒镇). Exact names come
        first, then higher levels (a township before its villages), then code order.
        """
        conditions: list[ColumnElement[bool]] = []
        ordering: list[ColumnElement[object]] = []
        if parent_code is not None:
            conditions.append(Region.parent_code == parent_code)
        if level is not None:
            conditions.append(Region.level == level)
        if name_contains:
            pattern = f"%{_escape_like(name_contains)}%"
            if "/" in name_contains:
                conditions.append(Region.full_name.like(pattern, escape="\\"))
            else:
                conditions.append(
                    or_(
                        Region.short_name.like(pattern, escape="\\"),
                        Region.name.like(pattern, escape="\\"),
                    )
                )
            exact = or_(Region.short_name == name_contains, Region.name == name_contains)
            ordering.append(case((exact, 0), else_=1))
            ordering.append(case(*_LEVEL_RANK, else_=len(_LEVEL_RANK)))
        total = await self.session.scalar(
            select(func.count()).select_from(Region).where(*conditions)
        )
        rows = await self.session.scalars(
            select(Region)
            .where(*conditions)
            .order_by(*ordering, Region.code)
            .limit(page.page_size)
            .offset(page.offset)
        )
        return list(rows), total or 0

    async def kept_copies(self, *conditions: ColumnElement[bool]) -> list[Region]:
        """Divisions in code order as rows of no session, for ``core.reference`` to keep."""
        table = Region.__table__
        rows = await self.session.execute(select(table).where(*conditions).order_by(table.c.code))
        return [Region(**row._mapping) for row in rows]

    async def children(self, parent_code: str) -> list[Region]:
        return await self.get_many(
            Region.parent_code == parent_code, order_by=[(Region.code, False)]
        )

    async def ancestors(self, region: Region) -> list[Region]:
        """The chain from the city down to the region's parent, in that order."""
        chain: list[Region] = []
        parent_code = region.parent_code
        while parent_code is not None:
            parent = await self.get(parent_code)
            chain.append(parent)
            parent_code = parent.parent_code
        return list(reversed(chain))

    async def count_by_level(self) -> dict[RegionLevel, int]:
        rows = await self.session.execute(select(Region.level, func.count()).group_by(Region.level))
        counts = dict.fromkeys(RegionLevel, 0)
        counts.update({level: count for level, count in rows})
        return counts

    async def child_counts(self, parent_codes: list[str]) -> dict[str, int]:
        """How many direct children each of the given regions has."""
        rows = await self.session.execute(
            select(Region.parent_code, func.count())
            .where(Region.parent_code.in_(parent_codes))
            .group_by(Region.parent_code)
        )
        return {code: count for code, count in rows if code is not None}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
