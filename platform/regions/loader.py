"""Load the shipped divisions file into the Region table, idempotently.

Run after every migration (``xiangxing db upgrade``) so a deployment always carries the file's
divisions; rows are added or renamed, never deleted, since other tables refer to them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from regions.models import Region, RegionLevel
from regions.names import short_name

DIVISIONS_FILE = Path(__file__).resolve().parent / "data" / "zhaotong.csv"


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    short_name: str
    level: RegionLevel
    parent_code: str | None
    full_name: str


def read_divisions(path: Path = DIVISIONS_FILE) -> list[Division]:
    """The file's rows with display names and name paths (county first) worked out."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code: dict[str, Division] = {}
    for row in rows:
        level = RegionLevel(row["level"])
        parent_code = row["parent_code"] or None
        name = short_name(row["name"])
        parent = by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            msg = f"{path.name}: {row['code']} lists parent {parent_code} before it is defined"
            raise ValueError(msg)
        full_name = (
            name
            if parent is None or parent.level is RegionLevel.CITY
            else (f"{parent.full_name}/{name}")
        )
        by_code[row["code"]] = Division(
            code=row["code"],
            name=row["name"],
            short_name=name,
            level=level,
            parent_code=parent_code,
            full_name=full_name,
        )
    return list(by_code.values())


async def sync_regions(session: AsyncSession, path: Path = DIVISIONS_FILE) -> int:
    """Insert missing divisions and update changed ones; returns how many rows changed."""
    existing = {region.code: region for region in await session.scalars(select(Region))}
    changed = 0
    for division in read_divisions(path):
        values = {
            "name": division.name,
            "short_name": division.short_name,
            "level": division.level,
            "parent_code": division.parent_code,
            "full_name": division.full_name,
        }
        region = existing.get(division.code)
        if region is None:
            session.add(Region(code=division.code, **values))
            changed += 1
        elif any(getattr(region, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            changed += 1
        if changed and changed % 500 == 0:
            await session.flush()
    await session.flush()
    return changed
