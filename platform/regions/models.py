"""The Region table: one row per administrative division, keyed by its 12-digit code."""

from __future__ import annotations

from enum import StrEnum

from advanced_alchemy.base import DefaultBase
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.columns import value_enum


class RegionLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def depth(self) -> int:
        return list(RegionLevel).index(self)

    @property
    def child(self) -> RegionLevel | None:
        levels = list(RegionLevel)
        return levels[self.depth + 1] if self.depth + 1 < len(levels) else None


class Region(DefaultBase):
    """A division of the national statistics bureau's list; reference data, never edited here."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    """The official name (新滩村民委员会)."""
    short_name: Mapped[str] = mapped_column(String(64), index=True)
    """The name people write (新滩村)."""
    level: Mapped[RegionLevel] = mapped_column(value_enum(RegionLevel, 16))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code", ondelete="RESTRICT"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    """Names from the county down, joined by ``/`` (镇雄县/以勒镇/…), as people write them."""
