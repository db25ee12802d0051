"""The one way the platform writes a report as .xlsx: each sheet titled and headed in the
reader's language, the header bold and frozen, columns at their widths, amounts in yuan as
numbers with two places, days as dates and moments in Beijing time, text wrapped.

The import templates (``listings.exporters``) and the A4 signing list keep layouts of their
own; every other download goes through here."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.clock import CHINA_STANDARD_TIME
from core.i18n import translate

Columns = Sequence[tuple[str, int]]
"""A sheet's headers (message ids) with their widths."""
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
GENERAL_FORMAT = "General"
WRAPPED = Alignment(wrap_text=True, vertical="top")


def headed_sheet(sheet: Worksheet, title: str, columns: Columns, locale: str) -> Worksheet:
    """The sheet titled and headed in the reader's language, the header bold and frozen."""
    sheet.title = translate(locale, title)[:31]
    sheet.append([translate(locale, header) for header, _width in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def beijing(moment: datetime | None) -> datetime | None:
    """A stored (UTC) moment as Beijing wall-clock time, without a zone: Excel keeps none."""
    if moment is None:
        return None
    return (moment + CHINA_STANDARD_TIME).replace(tzinfo=None)


def finished(workbook: Workbook, money_columns: Mapping[str, Sequence[int]]) -> bytes:
    """The workbook's bytes, with the named sheets' money columns in two places, days and
    moments in their formats and every row's text wrapped."""
    styles = _wrapped_styles(workbook)
    for sheet in workbook.worksheets:
        money = set(money_columns.get(sheet.title, ()))
        for line in sheet.iter_rows(min_row=2):
            for position, cell in enumerate(line, start=1):
                cell.style = styles[_number_format(cell.value, position in money)]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_format(value: object, money: bool) -> str:
    if isinstance(value, datetime):
        return MOMENT_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return MONEY_FORMAT if money else GENERAL_FORMAT


def _wrapped_styles(workbook: Workbook) -> dict[str, str]:
    """A named style per number format, text wrapped at the top: a cell takes one by name,
    where styling it property by property makes openpyxl compare its styles cell by cell
    (seconds for a sheet of 10,000 rows)."""
    names = {}
    for number_format in (GENERAL_FORMAT, MONEY_FORMAT, DATE_FORMAT, MOMENT_FORMAT):
        name = f"wrapped {number_format}"
        workbook.add_named_style(NamedStyle(name, alignment=WRAPPED, number_format=number_format))
        names[number_format] = name
    return names


def first_sheet(workbook: Workbook) -> Worksheet:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on a worksheet"
    return sheet


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet of a report: its title and headers (message ids), its rows, and which
    columns (from 1) hold yuan."""

    title: str
    columns: Columns
    rows: Iterable[Sequence[object]]
    money_columns: Sequence[int] = ()


def tables_workbook(tables: Iterable[Table], locale: str) -> bytes:
    """One sheet per table, in order: a page of several lists as one file."""
    workbook = Workbook()
    money: dict[str, Sequence[int]] = {}
    for number, table in enumerate(tables):
        blank = first_sheet(workbook) if number == 0 else workbook.create_sheet()
        sheet = headed_sheet(blank, table.title, table.columns, locale)
        for row in table.rows:
            sheet.append(list(row))
        money[sheet.title] = table.money_columns
    return finished(workbook, money)


def table_workbook(
    title: str,
    columns: Columns,
    rows: Iterable[Sequence[object]],
    locale: str,
    money_columns: Sequence[int] = (),
) -> bytes:
    """One sheet, one row per item: a list page as a file. ``money_columns`` are 1-based."""
    return tables_workbook([Table(title, columns, rows, money_columns)], locale)
