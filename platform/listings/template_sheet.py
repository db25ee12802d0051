"""What makes a workbook easy to fill in: an example row dated from today, and a 选项 sheet of
every valid sub-category, line type, unit, urgency, channel and beneficiary group, with Excel
drop-downs (data validation) on the columns that take them.

The drop-downs help; they do not replace the import's own checks, which name the valid values
in every "unknown value" problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from catalogue.lines import COMMON_UNITS
from listings.importing.reading import MAX_ROWS
from listings.sheet import (
    CHANNEL_WORDS,
    EXAMPLE_MARK,
    GROUP_WORDS,
    LINE_GROUPS,
    LINE_KIND_WORDS,
    URGENCY_WORDS,
    Column,
    SheetKind,
    Vocabulary,
)

OPTIONS_SHEET = "选项"
NEED_DEADLINE_DAYS = 60
OFFER_VALID_DAYS = 90


def example_row(kind: SheetKind, today: date) -> dict[str, Any]:
    """The template's example (its title marks it 示例, so importing it skips it), with dates
    that are valid on the day the template is downloaded."""
    if kind is SheetKind.NEEDS:
        return {
            "title": f"{EXAMPLE_MARK}以勒村留守儿童暑期课业辅导",
            "category": "特殊困难群体",
            "subcategory": "留守儿童",
            "region": "镇雄县/以勒镇/以勒村",
            "description": "村里有留守儿童46名，暑假缺少看护和课业辅导，需要志愿者和学习用品。",
            "beneficiary_count": 46,
            "beneficiary_groups": "留守儿童",
            "urgency": "黄",
            "deadline": today + timedelta(days=NEED_DEADLINE_DAYS),
            "line1_kind": "人天",
            "line1_amount": 60,
            "line2_kind": "物资",
            "line2_amount": 46,
            "line2_item": "学习用品礼包",
            "line2_unit": "套",
            "line3_kind": "采购",
            "line3_amount": 300,
            "line3_item": "高山土豆",
            "line3_unit": "吨",
            "line3_value": 600000,
            "tags": "暑期、支教",
            "channel": "社工站",
        }
    return {
        "title": f"{EXAMPLE_MARK}乡村教师暑期培训",
        "category": "人才",
        "subcategory": "技能培训",
        "service_regions": "镇雄县、彝良县",
        "description": "组织省内优秀教师为乡村学校教师开展为期一周的教学技能培训。",
        "valid_from": today,
        "valid_until": today + timedelta(days=OFFER_VALID_DAYS),
        "capacity": 3,
        "contact_name": "李老师",
        "contact_phone": "0870-2123456",
        "line1_kind": "人天",
        "line1_amount": 30,
        "line2_kind": "物资",
        "line2_amount": 200,
        "line2_item": "教学参考书",
        "line2_unit": "册",
        "tags": "教师培训",
    }


def option_lists(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Header of each column of the 选项 sheet → its values, in the sheet's order."""
    tops = sorted(
        (c for c in vocabulary.categories.values() if c.parent_code is None),
        key=lambda c: c.position,
    )
    subs = sorted(
        (c for c in vocabulary.categories.values() if c.parent_code is not None),
        key=lambda c: (vocabulary.categories[c.parent_code or ""].position, c.position),
    )
    return {
        "类别": [c.name_zh for c in tops],
        "子类别": [c.name_zh for c in subs],
        "子类别所属类别": [vocabulary.category_name(c.parent_code or "") for c in subs],
        "类型": [words[0] for words in LINE_KIND_WORDS.values()],
        "单位": list(COMMON_UNITS),
        "紧急程度": [words[0] for words in URGENCY_WORDS.values()],
        "来源渠道": [words[0] for words in CHANNEL_WORDS.values()],
        "受益群体": [words[0] for words in GROUP_WORDS.values()],
    }


_VALIDATED = {
    "category": "类别",
    "subcategory": "子类别",
    "urgency": "紧急程度",
    "channel": "来源渠道",
    **{f"line{n}_kind": "类型" for n in range(1, LINE_GROUPS + 1)},
    **{f"line{n}_unit": "单位" for n in range(1, LINE_GROUPS + 1)},
}
_OPEN_LISTS = frozenset({"单位"})
"""Suggestions only: goods and purchases may be counted in any unit."""


def add_options(
    workbook: Any, sheet: Any, columns: Sequence[Column], vocabulary: Vocabulary
) -> None:
    """The 选项 sheet, and a drop-down from it on each column of ``sheet`` that takes one."""
    lists = option_lists(vocabulary)
    options = workbook.create_sheet(OPTIONS_SHEET)
    headers = list(lists)
    options.append([WriteOnlyCell(options, value=header) for header in headers])
    for index in range(max(len(values) for values in lists.values())):
        row = []
        for header in headers:
            values = lists[header]
            cell = WriteOnlyCell(options, value=values[index] if index < len(values) else None)
            cell.data_type = "s" if index < len(values) else cell.data_type
            row.append(cell)
        options.append(row)
    for position, column in enumerate(columns, start=1):
        source = _VALIDATED.get(column.key)
        if source is None:
            continue
        letter = get_column_letter(headers.index(source) + 1)
        formula = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(lists[source]) + 1}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        if source in _OPEN_LISTS:
            validation.showErrorMessage = False
        else:
            validation.errorTitle = column.header
            validation.error = f"请从下拉列表或“{OPTIONS_SHEET}”表中选择。"
            validation.showErrorMessage = True
        target = get_column_letter(position)
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
        sheet.data_validations.append(validation)
