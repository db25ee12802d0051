"""Turning one cell of a row into a typed value, or into a problem on that cell.

Numbers, dates, enumerations, lines, regions (by code or by name path) and categories are each
read here, leniently about spelling and strictly about meaning, so that checking a whole row
reads as a list of fields. A cell gets at most one problem (a duplicate aside), so the person
fixing the file sees the first thing wrong with each cell, not a cascade.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from catalogue.lines import LineKind, unit_problem
from core.amounts import parse_decimal
from core.errors import N_
from core.forms import problems_of
from demand.schemas import NeedFields
from listings.importing.problems import RowProblem
from listings.importing.reading import SheetRow
from listings.sheet import (
    LINE_GROUPS,
    LINE_KIND_WORDS,
    LIST_SEPARATORS,
    Column,
    Vocabulary,
    normal_path,
    words_index,
)
from regions.models import Region

MISSING = N_("This field is required.")
FORMULA = N_("Formulas are not accepted; type the value itself.")
NOT_A_NUMBER = N_("Enter a number such as 5000 or 5,000.50 (no exponents).")
NOT_WHOLE = N_("Enter a whole number.")
NOT_POSITIVE = N_("The amount must be greater than zero.")
NEGATIVE = N_("This number is too small.")
BAD_DATE = N_("Write the date as YYYY-MM-DD.")
NOT_ONE_OF = N_("%(value)s is not one of: %(choices)s.")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)

LINE_PARTS = ("kind", "amount", "item", "unit", "value")
_SERVICE_FIELDS = {
    "region_code": "region",
    "service_region_codes": "service_regions",
}


class _Row:
    """One row being checked: its cells by key and the problems found so far."""

    def __init__(self, row: SheetRow, columns: dict[str, Column]) -> None:
        self.cells = row
        self.number = row.number
        self.columns = columns
        self.problems: list[RowProblem] = []
        self.flagged: set[str] = set()

    def problem(self, key: str, code: str, message: str, /, **params: Any) -> None:
        if key in self.flagged and code != "duplicate":
            return
        self.flagged.add(key)
        header = self.columns[key].header if key in self.columns else key
        self.problems.append(RowProblem(self.number, header, code, message, params))

    def text(self, key: str) -> str:
        value = self.cells.get(key, "").strip()
        if value.startswith("="):
            self.problem(key, "formula", FORMULA)
            return ""
        if value.startswith("'"):
            value = value[1:].strip()
        return value

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value and key not in self.flagged:
            self.problem(key, "missing", MISSING)
        return value

    def listed(self, key: str) -> list[str]:
        value = self.text(key)
        for separator in LIST_SEPARATORS:
            value = value.replace(separator, "\x1f")
        return [part.strip() for part in value.split("\x1f") if part.strip()]

    def number_in(self, key: str) -> Decimal | None:
        value = self.text(key)
        if not value:
            return None
        try:
            return parse_decimal(value)
        except ValueError:
            self.problem(key, "not_a_number", NOT_A_NUMBER)
            return None

    def whole(self, key: str, default: int) -> int:
        number = self.number_in(key)
        if number is None:
            return default
        if number != number.to_integral_value():
            self.problem(key, "not_whole", NOT_WHOLE)
            return default
        if number < 0:
            self.problem(key, "negative", NEGATIVE)
            return default
        return int(number)

    def date_in(self, key: str, default: date | None = None) -> date | None:
        """The date in the cell; a missing one is a problem unless there is a default."""
        value = self.text(key) if default is not None else self.required(key)
        if not value:
            return default
        if match := _DATE.match(value):
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        elif re.fullmatch(r"\d{1,6}(\.\d+)?", value):  # an Excel serial date left unformatted
            return _EXCEL_EPOCH + timedelta(days=int(float(value)))
        self.problem(key, "bad_date", BAD_DATE)
        return None

    def word(self, key: str, words: dict[Any, tuple[str, ...]], default: Any = None) -> Any:
        value = self.text(key)
        if not value:
            return default
        found = words_index(words).get(value.casefold())
        if found is None:
            self.problem(
                key,
                "unknown_value",
                NOT_ONE_OF,
                value=value,
                choices="、".join(spellings[0] for spellings in words.values()),
            )
        return found

    def lines(self) -> list[dict[str, Any]]:
        lines = []
        for n in range(1, LINE_GROUPS + 1):
            keys = {part: f"line{n}_{part}" for part in LINE_PARTS}
            if not any(self.cells.get(key, "").strip() for key in keys.values()):
                continue
            kind = self.word(keys["kind"], LINE_KIND_WORDS)
            if kind is None and keys["kind"] not in self.flagged:
                self.problem(keys["kind"], "missing", MISSING)
            amount = self.positive(keys["amount"])
            if amount is None and keys["amount"] not in self.flagged:
                self.problem(keys["amount"], "missing", MISSING)
            value = self.positive(keys["value"])
            item, unit = self.text(keys["item"]), self.text(keys["unit"])
            wrong = unit_problem(kind, unit, value) if kind is not None else None
            if wrong is not None:
                misplaced = value is not None and kind is not LineKind.PURCHASE
                self.problem(keys["value" if misplaced else "unit"], "wrong_unit", wrong)
            elif kind is not None and amount is not None:
                line = {"kind": kind, "amount": amount, "item": item, "unit": unit, "group": n}
                lines.append({**line, "value": value})
        if not lines and not any(f"line{n}_" in key for key in self.flagged for n in (1, 2, 3)):
            self.problem(
                "line1_kind", "no_lines", N_("Give at least one line: its type and its amount.")
            )
        return lines

    def positive(self, key: str) -> Decimal | None:
        """A number above zero, or None (with a problem when it is not one)."""
        number = self.number_in(key)
        if number is not None and number <= 0:
            self.problem(key, "not_positive", NOT_POSITIVE)
            return None
        return number

    def validated(self, model: type[BaseModel], values: dict[str, Any], lines: list[dict]) -> Any:
        """The model, with pydantic's problems put on their columns (unless already there)."""
        try:
            return model.model_validate(values)
        except ValidationError as error:
            for problem in problems_of(error):
                key = _column_key(problem.field, model, lines)
                if key not in self.flagged:
                    self.problem(key, problem.code, problem.message, **problem.params)
            return None


def _column_key(path: str, model: type[BaseModel], lines: list[dict]) -> str:
    parts = path.split(".")
    if parts[0] == "lines":
        if len(parts) == 1 or not lines:
            return "line1_kind"
        group = lines[int(parts[1])]["group"] if int(parts[1]) < len(lines) else 1
        return f"line{group}_{parts[2] if len(parts) > 2 else 'item'}"
    if parts[0] in ("form", ""):
        return "channel_name" if model is NeedFields else "valid_until"
    return _SERVICE_FIELDS.get(parts[0], parts[0])


# Looked up in the vocabulary ----------------------------------------------------------------


def category(vocabulary: Vocabulary, row: _Row) -> tuple[str | None, str | None]:
    """The category and sub-category codes, by code or by Chinese or English name."""
    top_text = row.required("category")
    sub_text = row.required("subcategory")
    top = _category_named(vocabulary, top_text, parent=None) if top_text else None
    if top_text and top is None:
        row.problem(
            "category",
            "unknown_category",
            N_(
                "No category is called %(value)s; write 产业, 人才, 公共服务, 特殊困难群体 "
                "or 消费帮扶."
            ),
            value=top_text,
        )
    sub = None
    if top is not None and sub_text:
        sub = _category_named(vocabulary, sub_text, parent=top)
        if sub is None:
            row.problem(
                "subcategory",
                "unknown_subcategory",
                N_("%(value)s is not a sub-category of %(category)s; write one of: %(choices)s."),
                value=sub_text,
                category=vocabulary.category_name(top),
                choices="、".join(
                    c.name_zh
                    for c in sorted(vocabulary.categories.values(), key=lambda c: c.position)
                    if c.parent_code == top
                ),
            )
    return top, sub


def _category_named(vocabulary: Vocabulary, text: str, *, parent: str | None) -> str | None:
    wanted = text.strip().casefold()
    for category in vocabulary.categories.values():
        if category.parent_code == parent and wanted in (
            category.code.casefold(),
            category.name_zh.casefold(),
            category.name_en.casefold(),
        ):
            return category.code
    return None


def region(vocabulary: Vocabulary, row: _Row, key: str, text: str) -> Region | None:
    """A division by its 12-digit code or its name path."""
    if re.fullmatch(r"\d{12}", text):
        found = vocabulary.regions.get(text)
        if found is None:
            row.problem(
                key,
                "unknown_region",
                N_("No administrative division has the code %(code)s."),
                code=text,
            )
        return found
    matches = vocabulary.paths.get(normal_path(text), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        row.problem(
            key,
            "ambiguous_region",
            N_("Several divisions are called %(value)s; write its 12-digit code instead."),
            value=text,
        )
    else:
        row.problem(
            key,
            "unknown_region",
            N_(
                "No division is called %(value)s; write its 12-digit code or its path "
                "from the county down, e.g. 镇雄县/以勒镇/以勒村."
            ),
            value=text,
        )
    return None
