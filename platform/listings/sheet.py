"""The spreadsheet layout of needs and offers, shared by import, export and the template.

One ordered list of columns per kind: a Chinese header (what people see in Excel), an English
key (what the code and the API use), whether it is required, what type of cell it holds and a
gettext id describing what it accepts. An export writes exactly the columns an import reads,
so an exported file imports back to the same entries.

Values are written the way people in the bureau write them (红, 资金, 镇雄县/以勒镇/以勒村);
the reader also accepts the English codes and the 12-digit division codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lines import LineKind
from catalogue.models import Category
from core.errors import N_
from demand.models import BeneficiaryGroup, Channel, Urgency
from regions.models import Region, RegionLevel


class SheetKind(StrEnum):
    NEEDS = "needs"
    OFFERS = "offers"

    @property
    def label(self) -> str:
        return N_("Needs") if self is SheetKind.NEEDS else N_("Offers")

    @property
    def file_stem(self) -> str:
        """The Chinese file name of an export (需求清单.xlsx)."""
        return "需求清单" if self is SheetKind.NEEDS else "资源清单"

    @property
    def template_stem(self) -> str:
        return "需求导入模板" if self is SheetKind.NEEDS else "资源导入模板"


class CellType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    """The Chinese header in row 1 of the sheet."""
    key: str
    """The English key; also accepted as a header."""
    cell: CellType
    accepts: str
    """A gettext id: what the column accepts, for the import page and the template."""
    required: bool = False
    width: int = 14


LIST_SEPARATORS = ("、", ";", "；", ",", "，", "\n")
WRITE_SEPARATOR = "、"
LINE_GROUPS = 3
EXAMPLE_MARK = "【示例】"
"""A row whose title starts with this is the template's example and is never imported."""
CITY_CODE = "530600000000"

# Vocabulary: the Chinese word written on export first, then every spelling read on import.
LINE_KIND_WORDS: dict[LineKind, tuple[str, ...]] = {
    LineKind.FUNDS: ("资金", "funds", "钱", "资金支持"),
    LineKind.GOODS: ("物资", "goods", "物品"),
    LineKind.PERSON_DAYS: ("人天", "person_days", "志愿服务", "专家服务", "人力"),
    LineKind.PURCHASE: ("采购", "purchase", "消费采购"),
}
URGENCY_WORDS: dict[Urgency, tuple[str, ...]] = {
    Urgency.RED: ("红", "red", "红色", "紧急"),
    Urgency.YELLOW: ("黄", "yellow", "黄色", "较急"),
    Urgency.GREEN: ("绿", "green", "绿色", "一般"),
}
GROUP_WORDS: dict[BeneficiaryGroup, tuple[str, ...]] = {
    BeneficiaryGroup.LEFT_BEHIND_CHILDREN: ("留守儿童", "left_behind_children"),
    BeneficiaryGroup.LEFT_BEHIND_ELDERLY: ("留守老人", "left_behind_elderly"),
    BeneficiaryGroup.DISABLED: ("残疾人", "disabled", "残障人士"),
    BeneficiaryGroup.CHILDREN_IN_DIFFICULTY: ("困境儿童", "children_in_difficulty"),
    BeneficiaryGroup.SUBSISTENCE: ("低保户", "subsistence", "低保", "低保特困", "特困"),
    BeneficiaryGroup.POVERTY_ALLEVIATED: ("脱贫户", "poverty_alleviated", "脱贫人口"),
    BeneficiaryGroup.OTHER: ("其他", "other"),
}
CHANNEL_WORDS: dict[Channel, tuple[str, ...]] = {
    Channel.STATION: ("社工站", "station", "乡镇社工站"),
    Channel.ASSOCIATION: ("行业协会", "association", "协会"),
    Channel.DEPARTMENT: ("部门", "department", "政府部门"),
}

_TITLE = Column("标题", "title", CellType.TEXT, N_("2 to 100 characters."), True, 30)
_CATEGORY = Column(
    "类别",
    "category",
    CellType.TEXT,
    N_("One of 产业, 人才, 公共服务, 特殊困难群体, 消费帮扶, or its English code."),
    True,
)
_SUBCATEGORY = Column(
    "子类别",
    "subcategory",
    CellType.TEXT,
    N_("A sub-category of that category, by its Chinese name or its code (e.g. 种植)."),
    True,
)
_DESCRIPTION = Column(
    "描述", "description", CellType.TEXT, N_("Free text, up to 4,000 characters."), width=40
)
_TAGS = Column("标签", "tags", CellType.LIST, N_("Up to 10 words, separated by 、 or ;."), width=20)


def _line_columns(prefix: str) -> list[Column]:
    columns = []
    for n in range(1, LINE_GROUPS + 1):
        required = n == 1
        columns += [
            Column(
                f"{prefix}{n}类型",
                f"line{n}_kind",
                CellType.TEXT,
                N_("资金, 物资, 人天 or 采购."),
                required,
            ),
            Column(
                f"{prefix}{n}数量",
                f"line{n}_amount",
                CellType.NUMBER,
                N_(
                    "A number above zero: yuan for funds, person-days for time, a quantity in "
                    "the unit for goods and purchasing (yuan when purchasing names no unit)."
                ),
                required,
            ),
            Column(
                f"{prefix}{n}物品",
                f"line{n}_item",
                CellType.TEXT,
                N_("What the goods are (required for goods)."),
            ),
            Column(
                f"{prefix}{n}单位",
                f"line{n}_unit",
                CellType.TEXT,
                N_(
                    "The unit: required for goods (e.g. 套); for purchasing 吨, 公斤, 件 … "
                    "(empty means yuan); empty for funds and time."
                ),
                width=8,
            ),
            Column(
                f"{prefix}{n}金额(元)",
                f"line{n}_value",
                CellType.NUMBER,
                N_("Purchasing only, optional: what the quantity is worth in yuan."),
                width=10,
            ),
        ]
    return columns


NEED_COLUMNS: tuple[Column, ...] = (
    _TITLE,
    _CATEGORY,
    _SUBCATEGORY,
    Column(
        "地点",
        "region",
        CellType.TEXT,
        N_("A township or a village: its 12-digit code or its path, e.g. 镇雄县/以勒镇/以勒村."),
        True,
        28,
    ),
    _DESCRIPTION,
    Column("受益人数", "beneficiary_count", CellType.NUMBER, N_("A whole number, 0 or more.")),
    Column(
        "受益群体",
        "beneficiary_groups",
        CellType.LIST,
        N_("Any of 留守儿童, 留守老人, 残疾人, 困境儿童, 低保户, 脱贫户, 其他, separated by 、."),
        width=20,
    ),
    Column("紧急程度", "urgency", CellType.TEXT, N_("红, 黄 or 绿 (red, yellow, green)."), True),
    Column(
        "截止日期",
        "deadline",
        CellType.DATE,
        N_("A date after today, as YYYY-MM-DD or an Excel date."),
        True,
    ),
    *_line_columns("需求"),
    _TAGS,
    Column(
        "来源渠道",
        "channel",
        CellType.TEXT,
        N_(
            "社工站 (the default), 行业协会 or 部门; reviewers import for any township's station, "
            "for associations and for departments (代录)."
        ),
    ),
    Column(
        "渠道名称",
        "channel_name",
        CellType.TEXT,
        N_("The association's or department's name (required unless 社工站)."),
        width=20,
    ),
)

OFFER_COLUMNS: tuple[Column, ...] = (
    _TITLE,
    _CATEGORY,
    _SUBCATEGORY,
    Column(
        "服务区域",
        "service_regions",
        CellType.LIST,
        N_(
            "Counties, townships or villages served: codes or paths separated by 、 or ;, "
            "or 昭通市 for the whole city."
        ),
        True,
        28,
    ),
    _DESCRIPTION,
    Column(
        "有效期起",
        "valid_from",
        CellType.DATE,
        N_("YYYY-MM-DD or an Excel date; empty means the day of the import."),
    ),
    Column(
        "有效期止",
        "valid_until",
        CellType.DATE,
        N_("YYYY-MM-DD or an Excel date, not before the start."),
        True,
    ),
    Column(
        "可对接数量",
        "capacity",
        CellType.NUMBER,
        N_("How many needs the offer can take on: a whole number from 1 to 1,000 (default 1)."),
    ),
    Column("联系人", "contact_name", CellType.TEXT, N_("Optional, up to 50 characters.")),
    Column("联系电话", "contact_phone", CellType.TEXT, N_("Optional: digits, spaces, + and -.")),
    *_line_columns("资源"),
    _TAGS,
    Column(
        "社会组织",
        "organization",
        CellType.TEXT,
        N_(
            "Reviewers entering offers for organizations (代录): the verified organization's "
            "name or credit code. Members may leave it empty."
        ),
        width=24,
    ),
)


def columns_of(kind: SheetKind) -> tuple[Column, ...]:
    return NEED_COLUMNS if kind is SheetKind.NEEDS else OFFER_COLUMNS


def header_index(kind: SheetKind) -> dict[str, Column]:
    """Every header a file may use for a column: the Chinese one and the English key."""
    found: dict[str, Column] = {}
    for column in columns_of(kind):
        found[column.header] = column
        found[column.key] = column
    return found


def words_index(words: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    """Spelling (case-folded) → member."""
    return {word.casefold(): member for member, spellings in words.items() for word in spellings}


@dataclass
class Vocabulary:
    """Categories and divisions as the sheet names them, loaded once per import or export."""

    categories: dict[str, Category]
    regions: dict[str, Region]
    paths: dict[str, list[Region]]
    """Every way of writing a division's path (short and official names) → divisions."""

    def category_name(self, code: str) -> str:
        found = self.categories.get(code)
        return found.name_zh if found else code

    def region_text(self, region: Region) -> str:
        """The path people write; the code when two divisions share that path."""
        if region.code == CITY_CODE:
            return region.full_name
        if len(self.paths.get(normal_path(region.full_name), [])) == 1:
            return region.full_name
        return region.code


def normal_path(text: str) -> str:
    """A name path with spaces removed, any slash as ``/`` and the city prefix dropped."""
    for slash in ("／", "\\", "＼", ">"):
        text = text.replace(slash, "/")
    parts = [part.strip() for part in text.split("/") if part.strip()]
    if len(parts) > 1 and parts[0] in ("昭通市", "昭通"):
        parts = parts[1:]
    return "/".join(parts)


async def load_vocabulary(session: AsyncSession) -> Vocabulary:
    categories = {c.code: c for c in await session.scalars(select(Category))}
    regions = {r.code: r for r in await session.scalars(select(Region))}
    official: dict[str, str] = {}

    def official_path(region: Region) -> str:
        if region.code not in official:
            parent = regions.get(region.parent_code or "")
            if parent is None or parent.level is RegionLevel.CITY:
                official[region.code] = region.name
            else:
                official[region.code] = f"{official_path(parent)}/{region.name}"
        return official[region.code]

    paths: dict[str, list[Region]] = {}
    for region in regions.values():
        spellings = {normal_path(region.full_name), normal_path(official_path(region))}
        for spelling in spellings:
            paths.setdefault(spelling, []).append(region)
    return Vocabulary(categories=categories, regions=regions, paths=paths)
