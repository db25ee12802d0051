"""The need and offer forms as pages post them, turned into what ``NeedFields`` and
``OfferFields`` expect, and back.

Lines are numbered rows (``lines.N.kind``, ``.amount``, ``.item``, ``.unit``): three to start
with, up to ``MAX_LINES`` as the person adds them (``static/js/rows.js``); a row without an
amount is ignored, and the rows sent are numbered again from 0 in their order, so rows deleted
on the page leave no gaps. Tags are one comma-separated field. An offer's "whole city" checkbox
stands for the city's code. Problems are named after the form's own fields, so they show beside
them, and state the limit they break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.categories import category_tree
from catalogue.entry import LineColumns
from catalogue.lines import LineKind
from catalogue.schemas import MAX_LINES
from core.categories import TopCategory
from core.errors import N_, FieldProblem, InvalidInput
from core.forms import form_values
from regions.models import Region

LINE_ROWS = 3
"""Rows a new entry's form starts with."""
WHOLE_CITY = "530600000000"
LIST_FIELDS = frozenset({"beneficiary_groups", "service_region_codes"})
LINE_KEYS = ("kind", "amount", "item", "unit", "value")
ONE_FIELD = frozenset({"tags", "service_region_codes", "beneficiary_groups"})
NO_LINES = N_("Fill in at least one line with its amount.")
TOO_MANY_LINES = N_(
    "At most %(max_length)s lines; leave the rest out or put them in another entry."
)
REGION_CODE = N_("A division code has 12 digits.")

_LINE_FIELD = re.compile(r"^lines\.(\d+)\.(kind|amount|item|unit|value)$")
_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def entry_values(form: Any) -> dict[str, Any]:
    """The posted form as the page shows it again: one value per field, lists for the named
    fields, the whole-city checkbox as a yes/no."""
    values = renumbered(form_values(form, LIST_FIELDS))
    values["whole_city"] = "whole_city" in values
    return values


def renumbered(values: dict[str, Any]) -> dict[str, Any]:
    """The same values with the line rows numbered 0, 1, 2 … in their order on the form: rows
    deleted on the page leave no gaps, and a row number typed into a request never makes the
    form show more rows than were filled."""
    rows = sorted({int(found.group(1)) for key in values if (found := _LINE_FIELD.match(key))})
    place = {row: index for index, row in enumerate(rows)}
    result: dict[str, Any] = {}
    for key, value in values.items():
        if found := _LINE_FIELD.match(key):
            result[f"lines.{place[int(found.group(1))]}.{found.group(2)}"] = value
        else:
            result[key] = value
    return result


def entry_data(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The dict the schemas validate, and the form row of each line it holds."""
    data = {
        key: value
        for key, value in values.items()
        if not _LINE_FIELD.match(key) and key not in {"tags", "whole_city"}
    }
    rows = sorted({int(found.group(1)) for key in values if (found := _LINE_FIELD.match(key))})
    used = [row for row in rows if values.get(f"lines.{row}.amount")]
    data["lines"] = [
        {key: values[f"lines.{row}.{key}"] for key in LINE_KEYS if f"lines.{row}.{key}" in values}
        for row in used
    ]
    data["tags"] = split_tags(values.get("tags", ""))
    if "service_region_codes" in values or values.get("whole_city"):
        codes = list(values.get("service_region_codes", []))
        if values.get("whole_city"):
            codes.append(WHOLE_CITY)
        data["service_region_codes"] = list(dict.fromkeys(codes))
    return data, used


def split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in _TAG_SEPARATORS.split(text) if tag.strip()]


def on_the_form(error: InvalidInput, rows: list[int]) -> InvalidInput:
    """The same problems, named after the form's fields: a line by its row on the form, not
    its place in the list; list fields (tags, regions) as the one field they are typed in."""
    problems = []
    for problem in error.problems:
        parts = problem.field.split(".")
        field, message = problem.field, problem.message
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            row = rows[index] if index < len(rows) else index
            field = ".".join(["lines", str(row), *parts[2:]])
        elif parts[0] in ONE_FIELD:
            field = parts[0]
            if problem.code == "string_pattern_mismatch" and parts[0] == "service_region_codes":
                message = REGION_CODE
        elif problem.field == "lines":
            message = TOO_MANY_LINES if problem.code == "too_long" else NO_LINES
        elif problem.field == "region_code" and problem.code == "string_pattern_mismatch":
            message = REGION_CODE
        problems.append(FieldProblem(field, problem.code, message, problem.params))
    return InvalidInput(error.message, params=error.params, problems=problems)


def line_values(lines: Iterable[LineColumns], amount: str) -> dict[str, Any]:
    """A saved entry's lines as the form's rows; ``amount`` names the column (sought, offered)."""
    values: dict[str, Any] = {}
    for row, line in enumerate(lines):
        number: Decimal = getattr(line, amount)
        values[f"lines.{row}.kind"] = line.kind.value
        values[f"lines.{row}.amount"] = f"{number.normalize():f}"
        values[f"lines.{row}.item"] = line.item
        values[f"lines.{row}.unit"] = line.unit if line.kind.names_its_unit else ""
        if line.value is not None:
            values[f"lines.{row}.value"] = f"{line.value.normalize():f}"
    return values


def row_count(values: dict[str, Any]) -> int:
    """Three rows, or as many as the entry has (or were sent back)."""
    rows = [int(found.group(1)) for key in values if (found := _LINE_FIELD.match(key))]
    return max(LINE_ROWS, max(rows, default=-1) + 1)


async def form_choices(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    """What every entry form offers to choose from."""
    codes = [code for code in values.get("service_region_codes", []) if code != WHOLE_CITY]
    regions = (
        list(await session.scalars(select(Region).where(Region.code.in_(codes)))) if codes else []
    )
    return {
        "categories": list(TopCategory),
        "tree": await category_tree(session),
        "line_kinds": list(LineKind),
        "rows": range(row_count(values)),
        "max_lines": MAX_LINES,
        "region_names": {region.code: region.full_name for region in regions},
        "whole_city_code": WHOLE_CITY,
    }
