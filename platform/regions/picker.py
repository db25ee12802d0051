"""State of the county → township → village picker, from whatever the visitor chose so far.

A choice that does not belong under the one above it (the county changed) is dropped, so the
picker never submits a village from another county. A picker kept ``within`` a division (a
station worker's township) offers only that division and what lies under it; the forms' services
check the place again, the picker only saves choosing what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from regions.models import Region, RegionLevel
from regions.service import RegionService

PICKER_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


@dataclass(frozen=True, slots=True)
class PickerLevel:
    level: RegionLevel
    options: list[Region]
    selected: str | None


@dataclass(frozen=True, slots=True)
class PickerState:
    field: str
    levels: list[PickerLevel]
    within: str | None = None

    @property
    def chosen(self) -> str | None:
        """The deepest selected code: what the form submits under ``field``."""
        selected = [level.selected for level in self.levels if level.selected]
        return selected[-1] if selected else None


async def picker_state(
    regions: RegionService,
    *,
    field: str,
    code: str | None = None,
    county: str | None = None,
    township: str | None = None,
    village: str | None = None,
    within: str | None = None,
) -> PickerState:
    wanted = [county, township, village]
    if code:
        region = await regions.repository.get_one_or_none(code=code)
        if region is not None:
            wanted = [(await _chain(regions, region)).get(level) for level in PICKER_LEVELS]
    fixed: dict[RegionLevel, str] = {}
    if within and (boundary := await regions.repository.get_one_or_none(code=within)):
        fixed = await _chain(regions, boundary)
        wanted = [
            fixed.get(level, choice) for level, choice in zip(PICKER_LEVELS, wanted, strict=True)
        ]
    levels: list[PickerLevel] = []
    options = await regions.counties()
    for level, choice in zip(PICKER_LEVELS, wanted, strict=True):
        if level in fixed:
            options = [option for option in options if option.code == fixed[level]]
        selected = choice if choice in {option.code for option in options} else None
        levels.append(PickerLevel(level=level, options=options, selected=selected))
        options = await regions.repository.children(selected) if selected else []
    return PickerState(field=field, levels=levels, within=within if fixed else None)


async def _chain(regions: RegionService, region: Region) -> dict[RegionLevel, str]:
    """The region and the divisions above it, by level."""
    return {r.level: r.code for r in [*await regions.breadcrumb(region), region]}
