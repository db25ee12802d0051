"""The shipped divisions of Zhaotong and their loading into the Region table."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from regions.loader import DIVISIONS_FILE, read_divisions, sync_regions
from regions.models import Region, RegionLevel
from regions.names import short_name


def test_the_file_holds_zhaotong_as_the_statistics_bureau_lists_it() -> None:
    levels = Counter(division.level for division in read_divisions())
    assert levels == {
        RegionLevel.CITY: 1,
        RegionLevel.COUNTY: 11,
        RegionLevel.TOWNSHIP: 150,
        RegionLevel.VILLAGE: 1402,
    }


def test_codes_are_unique_twelve_digits_and_every_parent_is_present() -> None:
    divisions = read_divisions()
    codes = [division.code for division in divisions]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 12 and code.isdigit() for code in codes)
    by_code = {division.code: division for division in divisions}
    for division in divisions:
        if division.level is RegionLevel.CITY:
            assert division.parent_code is None
            continue
        parent = by_code[division.parent_code]
        assert parent.level.depth == division.level.depth - 1
        assert division.code.startswith(parent.code.rstrip("0")[: len(parent.code.rstrip("0"))])


def test_known_divisions_carry_their_official_codes() -> None:
    by_name = {division.full_name: division.code for division in read_divisions()}
    assert by_name["昭阳区"] == "530602000000"
    assert by_name["镇雄县"] == "530627000000"
    assert by_name["镇雄县/以勒镇"] == "530627106000"
    assert by_name["水富市"] == "530681000000"


@pytest.mark.parametrize(
    ("official", "written"),
    [
        ("新滩村民委员会", "新滩村"),
        ("双院子社区居民委员会", "双院子社区"),
        ("以勒镇", "以勒镇"),
        ("凤凰街道", "凤凰街道"),
    ],
)
def test_short_names_are_what_people_write(official: str, written: str) -> None:
    assert short_name(official) == written


def test_a_parent_listed_after_its_child_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    with DIVISIONS_FILE.open(encoding="utf-8") as source:
        rows = list(csv.reader(source))
    header, city, *divisions = rows
    township = next(row for row in divisions if row[2] == "township")
    reordered = [header, city, township, *(row for row in divisions if row is not township)]
    broken.write_text("\n".join(",".join(row) for row in reordered), encoding="utf-8")
    with pytest.raises(ValueError, match="before it is defined"):
        read_divisions(broken)


async def test_the_database_holds_every_division(session: AsyncSession) -> None:
    total = await session.scalar(select(func.count()).select_from(Region))
    assert total == 1564


async def test_sync_is_idempotent_and_repairs_renamed_rows(session: AsyncSession) -> None:
    assert await sync_regions(session) == 0
    village = await session.get(Region, "530681103206")
    assert village is not None
    village.short_name = "wrong"
    await session.flush()
    assert await sync_regions(session) == 1
    await session.refresh(village)
    assert village.short_name == "三角村"
