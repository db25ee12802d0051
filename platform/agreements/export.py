"""The agreements list as .xlsx: the rows the reader may see under the filters in force, with
the responsible persons only where the reader may see them (``agreements.policy``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from agreements.models import Agreement
from agreements.programmes import programme_name
from core.errors import N_
from core.i18n import clauses, translate
from core.units import unit_name

EXPORT_LIMIT = 10_000
"""Far above a city's agreements (the seed city signed 113 projects)."""
COLUMNS = (
    (N_("Number"), 14),
    (N_("Title"), 30),
    (N_("State"), 16),
    (N_("Organization"), 28),
    (N_("Origin"), 12),
    (N_("Recipient"), 30),
    (N_("Category"), 12),
    (N_("Programme"), 12),
    (N_("Signing event"), 24),
    (N_("Period"), 24),
    (N_("Signed on"), 12),
    (N_("Committed in yuan"), 14),
    (N_("Other lines"), 30),
    (N_("Responsible persons"), 36),
)


def money_total(agreement: Agreement) -> Decimal:
    """What the agreement commits in yuan (funds and purchases counted in 元)."""
    return sum((line.amount for line in agreement.lines if line.amount_unit == "元"), Decimal(0))


def _row(
    agreement: Agreement, locale: str, sees_private: Callable[[Agreement], bool]
) -> list[object]:
    def text(message: str) -> str:
        return translate(locale, message)

    others = clauses(
        locale,
        (
            f"{text(line.kind.label)}{' ' + line.item if line.item else ''} "
            f"{line.amount.normalize():f} {unit_name(locale, line.amount_unit, line.amount)}"
            for line in agreement.lines
            if line.amount_unit != "元"
        ),
    )
    people = (
        clauses(
            locale,
            (
                f"{agreement.organization_contact_name} {agreement.organization_contact_phone}",
                f"{agreement.recipient_contact_name} {agreement.recipient_contact_phone}",
            ),
        )
        if sees_private(agreement)
        else ""
    )
    return [
        agreement.number,
        agreement.title,
        text(agreement.state.label),
        agreement.organization.name,
        text(agreement.organization.origin.label),
        agreement.recipient_name,
        text(agreement.category.label),
        programme_name(agreement.programme),
        agreement.event.name if agreement.event else "",
        f"{agreement.period_start.isoformat()} – {agreement.period_end.isoformat()}",
        agreement.signed_on.isoformat() if agreement.signed_on else "",
        money_total(agreement),
        others,
        people,
    ]


Columns = Sequence[tuple[str, int]]
"""A sheet's headers (message ids) with their widths."""


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


def finished(workbook: Workbook, money_columns: Mapping[str, Sequence[int]]) -> bytes:
    """The workbook's bytes, with the named sheets' money columns in two places and every
    row's text wrapped."""
    for sheet in workbook.worksheets:
        for position in money_columns.get(sheet.title, ()):
            for cell in sheet[get_column_letter(position)][1:]:
                cell.number_format = "#,##0.00"
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def first_sheet(workbook: Workbook) -> Worksheet:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on a worksheet"
    return sheet


def agreements_workbook(
    agreements: Iterable[Agreement], locale: str, sees_private: Callable[[Agreement], bool]
) -> bytes:
    """One sheet, one row per agreement; yuan as numbers with two places."""
    workbook = Workbook()
    sheet = headed_sheet(first_sheet(workbook), N_("Agreements"), COLUMNS, locale)
    for agreement in agreements:
        sheet.append(_row(agreement, locale, sees_private))
    return finished(workbook, {sheet.title: [12]})
