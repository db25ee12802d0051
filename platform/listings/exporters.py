"""Needs and offers out as .xlsx and .csv: a report that is also a template.

The columns an import reads come first, exactly as the template has them, so an exported file
edited and imported back creates the same entries; after them the report's own columns
(状态, 进展, 发布日期, 社工站 for needs, 链接), which the import ignores. The file is named by
the list's filters and the day (需求清单-昭阳区-产业-2026-12-05.xlsx).

Workbooks carry dates as dates and amounts as numbers; text that starts like a formula is
written as text, never as a formula. CSV files are UTF-8 with a BOM, so Excel opens Chinese
correctly, and text that a spreadsheet would take for a formula gets a leading apostrophe
(which the importer removes again).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from catalogue.display import SHOWN_LABELS
from catalogue.schemas import EntryFilters
from catalogue.workflow import shown_state
from core.clock import local_date
from core.downloads import dated_name
from core.errors import N_
from core.i18n import translate
from demand.models import BeneficiaryGroup, Need, Urgency
from listings.sheet import (
    CHANNEL_WORDS,
    GROUP_WORDS,
    LINE_GROUPS,
    LINE_KIND_WORDS,
    URGENCY_WORDS,
    WRITE_SEPARATOR,
    CellType,
    Column,
    SheetKind,
    Vocabulary,
    columns_of,
)
from listings.template_sheet import add_options, example_row
from supply.models import Offer

MAX_EXPORT_ROWS = 10_000
DATE_FORMAT = "yyyy-mm-dd"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


ShowsContact = Callable[[Any], bool]
"""Whether the reader may see this offer's contact columns (``supply.policy``)."""
LinkOf = Callable[[Any], str]
"""The absolute address of an entry's page."""

REPORT_ONLY = N_("Report only: not read on import.")
_STATE = Column("状态", "state", CellType.TEXT, REPORT_ONLY)
_PROGRESS = Column("进展", "progress", CellType.TEXT, REPORT_ONLY, width=40)
_PUBLISHED = Column("发布日期", "published_on", CellType.DATE, REPORT_ONLY)
_STATION = Column("社工站", "station", CellType.TEXT, REPORT_ONLY, width=20)
_LINK = Column("链接", "link", CellType.TEXT, REPORT_ONLY, width=40)
REPORT_COLUMNS: dict[SheetKind, tuple[Column, ...]] = {
    SheetKind.NEEDS: (_STATE, _PROGRESS, _PUBLISHED, _STATION, _LINK),
    SheetKind.OFFERS: (_STATE, _PROGRESS, _PUBLISHED, _LINK),
}
"""After the import's columns; the organization of an offer is already one of those."""


def export_columns(kind: SheetKind) -> tuple[Column, ...]:
    return (*columns_of(kind), *REPORT_COLUMNS[kind])


def report_cells(kind: SheetKind, entry: Any, link: LinkOf, today: date) -> dict[str, Any]:
    """What a reader of the list wants beside the template's columns: where the entry stands
    (as the pages show it: a published entry past its deadline is expired), how much of each
    line is claimed and delivered, when it was published, where to see it."""
    amount_of = "sought" if kind is SheetKind.NEEDS else "offered"
    cells: dict[str, Any] = {
        "state": translate("zh", SHOWN_LABELS[shown_state(entry.state, entry.deadline, today)]),
        "progress": progress_text(entry.lines, amount_of),
        "published_on": local_date(entry.published_at) if entry.published_at else None,
        "link": link(entry),
    }
    if kind is SheetKind.NEEDS:
        cells["station"] = entry.station.name if entry.station else ""
    return cells


def progress_text(lines: Iterable[Any], amount_of: str) -> str:
    """Per line: 资金 已认领 3000/5000 元，已交付 1000 元 (claimed is what pairings commit)."""
    parts = []
    for line in lines:
        unit = line.amount_unit
        item = f" {line.item}" if line.item else ""
        parts.append(
            f"{LINE_KIND_WORDS[line.kind][0]}{item} 已认领 {plain_amount(line.committed)}/"
            f"{plain_amount(getattr(line, amount_of))} {unit}，"
            f"已交付 {plain_amount(line.delivered)} {unit}"
        )
    return "；".join(parts)


def cells_of(
    kind: SheetKind, entry: Any, vocabulary: Vocabulary, shows_contact: ShowsContact
) -> dict[str, Any]:
    if kind is SheetKind.NEEDS:
        return need_cells(entry, vocabulary)
    cells = offer_cells(entry, vocabulary)
    if not shows_contact(entry):
        cells.update(contact_name="", contact_phone="")
    return cells


def export_xlsx(
    kind: SheetKind,
    entries: Iterable[Any],
    vocabulary: Vocabulary,
    *,
    shows_contact: ShowsContact,
    link: LinkOf,
    today: date,
) -> bytes:
    """An export is also a template: edited and imported back, it keeps its drop-downs."""
    rows = _report_rows(kind, entries, vocabulary, shows_contact, link, today)
    return _workbook(kind, rows, vocabulary, columns=export_columns(kind))


def export_csv(
    kind: SheetKind,
    entries: Iterable[Any],
    vocabulary: Vocabulary,
    *,
    shows_contact: ShowsContact,
    link: LinkOf,
    today: date,
) -> bytes:
    rows = _report_rows(kind, entries, vocabulary, shows_contact, link, today)
    return _csv(kind, rows, export_columns(kind))


def _report_rows(
    kind: SheetKind,
    entries: Iterable[Any],
    vocabulary: Vocabulary,
    shows_contact: ShowsContact,
    link: LinkOf,
    today: date,
) -> Iterable[dict[str, Any]]:
    for entry in entries:
        yield cells_of(kind, entry, vocabulary, shows_contact) | report_cells(
            kind, entry, link, today
        )


def template_xlsx(
    kind: SheetKind, vocabulary: Vocabulary, today: date, locale: str = "zh"
) -> bytes:
    """The import template: headers, one example row (示例) dated from today, a sheet
    explaining each column and the 选项 sheet behind the drop-downs."""
    return _workbook(kind, [example_row(kind, today)], vocabulary, guide_locale=locale)


def template_csv(kind: SheetKind, today: date) -> bytes:
    return _csv(kind, [example_row(kind, today)])


def _workbook(
    kind: SheetKind,
    rows: Iterable[dict[str, Any]],
    vocabulary: Vocabulary,
    *,
    columns: tuple[Column, ...] | None = None,
    guide_locale: str | None = None,
) -> bytes:
    columns = columns or columns_of(kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.file_stem)
    for position, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _HEADER_FONT
        if column.required:
            cell.fill = _REQUIRED_FILL
        header.append(cell)
    sheet.append(header)
    for values in rows:
        sheet.append([_xlsx_cell(sheet, column, values.get(column.key)) for column in columns])
    if guide_locale is not None:
        _guide(workbook, columns, guide_locale)
    add_options(workbook, sheet, columns, vocabulary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, column: Column, value: Any) -> Cell:
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if column.cell is CellType.DATE and isinstance(value, str):
        value = date.fromisoformat(value)
    if column.cell is CellType.DATE and isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # the stub leaves out dates, which openpyxl writes
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value
    if isinstance(value, int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # the stub leaves out Decimal, which openpyxl writes
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _guide(workbook: Workbook, columns: Iterable[Column], locale: str) -> None:
    """A second sheet: each column, whether it is required, what it accepts."""
    sheet = workbook.create_sheet("填写说明")
    for letter, width in (("A", 14), ("B", 10), ("C", 90)):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([WriteOnlyCell(sheet, value=text) for text in ("列名", "是否必填", "填写说明")])
    for column in columns:
        help_cell = WriteOnlyCell(sheet, value=translate(locale, column.accepts))
        help_cell.alignment = wrap
        help_cell.data_type = "s"
        sheet.append(
            [
                WriteOnlyCell(sheet, value=column.header),
                WriteOnlyCell(sheet, value="必填" if column.required else ""),
                help_cell,
            ]
        )
    sheet.append([])
    sheet.append(
        [
            WriteOnlyCell(
                sheet,
                value=(
                    "标题以“【示例】”开头的行是示例，导入时跳过。类别、子类别、类型、单位、"
                    "紧急程度和来源渠道可从下拉列表选择，所有可选值见“选项”表。整个文件要么全部导入，"
                    "要么一条都不导入：有任何一行出错，都会列出所有出错的行、列和原因。"
                    "文件不超过10 MB、5,000行。"
                ),
            )
        ]
    )


def _csv(
    kind: SheetKind, rows: Iterable[dict[str, Any]], columns: tuple[Column, ...] | None = None
) -> bytes:
    columns = columns or columns_of(kind)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for values in rows:
        writer.writerow([_csv_text(column, values.get(column.key)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_amount(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if column.cell is not CellType.NUMBER and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _words(values: Iterable[Any], words: dict[Any, tuple[str, ...]]) -> str:
    return WRITE_SEPARATOR.join(words[value][0] for value in values)


def _line_cells(lines: Iterable[Any], amount_of: str) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for n, line in enumerate(list(lines)[:LINE_GROUPS], start=1):
        cells[f"line{n}_kind"] = LINE_KIND_WORDS[line.kind][0]
        cells[f"line{n}_amount"] = getattr(line, amount_of)
        cells[f"line{n}_item"] = line.item
        cells[f"line{n}_unit"] = line.unit if line.kind.names_its_unit else ""
        cells[f"line{n}_value"] = line.value
    return cells


def need_cells(need: Need, vocabulary: Vocabulary) -> dict[str, Any]:
    """A need as the sheet writes it: column key → str, int, Decimal or date."""
    region = vocabulary.regions.get(need.region_code) or need.region
    return {
        "title": need.title,
        "category": vocabulary.category_name(need.category.value),
        "subcategory": vocabulary.category_name(need.subcategory_code),
        "region": vocabulary.region_text(region),
        "description": need.description,
        "beneficiary_count": need.beneficiary_count,
        "beneficiary_groups": _words(
            (BeneficiaryGroup(g) for g in need.beneficiary_groups), GROUP_WORDS
        ),
        "urgency": URGENCY_WORDS[need.urgency][0],
        "deadline": need.deadline,
        **_line_cells(need.lines, "sought"),
        "tags": WRITE_SEPARATOR.join(need.tags),
        "channel": CHANNEL_WORDS[need.channel][0],
        "channel_name": need.channel_name,
    }


def offer_cells(offer: Offer, vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        "title": offer.title,
        "category": vocabulary.category_name(offer.category.value),
        "subcategory": vocabulary.category_name(offer.subcategory_code),
        "service_regions": WRITE_SEPARATOR.join(
            vocabulary.region_text(region) for region in offer.service_regions
        ),
        "description": offer.description,
        "valid_from": offer.valid_from,
        "valid_until": offer.valid_until,
        "capacity": offer.capacity,
        "contact_name": offer.contact_name,
        "contact_phone": offer.contact_phone,
        **_line_cells(offer.lines, "offered"),
        "tags": WRITE_SEPARATOR.join(offer.tags),
        "organization": offer.organization_name,
    }


def plain_amount(value: Decimal) -> str:
    """5000.00 → "5000", 12.50 → "12.5": amounts as people write them."""
    return format(value.normalize(), "f")


def export_file_name(
    kind: SheetKind,
    filters: EntryFilters,
    vocabulary: Vocabulary,
    today: date,
    extension: str,
    *,
    urgency: Urgency | None = None,
    mine: bool = False,
) -> str:
    """需求清单-昭阳区-产业-2026-12-05.xlsx: the list, each filter in force in words, the day."""
    words: list[str | None] = ["我的" if mine else None]
    for code in (filters.county, filters.township):
        region = vocabulary.regions.get(code or "")
        words.append(region.name if region else (code or ""))
    if filters.category:
        words.append(vocabulary.category_name(filters.category.value))
    if filters.subcategory:
        words.append(vocabulary.category_name(filters.subcategory))
    if filters.state:
        words.append(translate("zh", filters.state.label))
    if urgency and kind is SheetKind.NEEDS:
        words.append(URGENCY_WORDS[urgency][2])
    words.append(filters.q)
    return dated_name(kind.file_stem, words, today, extension)
