"""What the regions API answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from regions.models import RegionLevel


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    short_name: str
    level: RegionLevel
    parent_code: str | None
    full_name: str
