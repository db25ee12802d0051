"""An agreement's ledger as .xlsx: one row per entry in chain order with every column the money
page shows, amounts as numbers in a yuan format, then the totals of the entries in force."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from litestar import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.downloads import XLSX_TYPE, attachment
from core.errors import N_
from core.i18n import translate
from funds.ledger import Balance
from funds.models import spend_label
from funds.service import Ledger
from funds.statement import TOTALS, Line, lines

YUAN_FORMAT = '#,##0.00" 元"'
COLUMNS = (
    (N_("No."), 6),
    (N_("Date"), 12),
    (N_("Entry type"), 12),
    (N_("Amount in yuan"), 16),
    (N_("Goods quantity"), 12),
    (N_("Goods unit"), 8),
    (N_("Spend category"), 14),
    (N_("Evidence"), 28),
    (N_("Note"), 28),
    (N_("Recorded by"), 14),
    (N_("Receipt"), 12),
    (N_("Refers to entry"), 10),
    (N_("Reversed by entry"), 10),
)
AMOUNT_COLUMN = 4


def _row(line: Line, locale: str) -> list[object]:
    entry = line.entry
    return [
        entry.sequence,
        line.day,
        translate(locale, entry.entry_type.label),
        entry.amount,
        entry.quantity,
        entry.unit,
        translate(locale, spend_label(entry.spend_category)) if entry.spend_category else "",
        entry.evidence,
        entry.note,
        entry.actor_name,
        translate(locale, line.receipt.label) if line.receipt else "",
        line.names.sequence if line.names else None,
        line.reversed_by.sequence if line.reversed_by else None,
    ]


def ledger_workbook(title: str, lines: Sequence[Line], totals: Balance, locale: str) -> bytes:
    """One sheet: the title, the headers, the entries, a blank row and the totals block."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on a worksheet"
    sheet.title = translate(locale, N_("Ledger"))[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([translate(locale, header) for header, _width in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for position, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for line in lines:
        sheet.append(_row(line, locale))
        sheet.cell(sheet.max_row, AMOUNT_COLUMN).number_format = YUAN_FORMAT
        sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
    sheet.append([])
    for label, field in TOTALS:
        figure: Decimal = getattr(totals, field)
        sheet.append([None, None, translate(locale, label), figure])
        sheet.cell(sheet.max_row, 3).font = Font(bold=True)
        sheet.cell(sheet.max_row, AMOUNT_COLUMN).number_format = YUAN_FORMAT
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_attachment(found: Ledger, locale: str) -> Response[bytes]:
    """The download of an agreement's ledger, named by its number."""
    agreement = found.agreement
    content = ledger_workbook(
        f"{agreement.number} {agreement.title}", lines(found.entries), found.balance, locale
    )
    return attachment(content, XLSX_TYPE, f"资金台账-{agreement.number}.xlsx")
