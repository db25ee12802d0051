"""The filtered audit log as .xlsx: one row per entry, newest first, in the words of the page
(times in Beijing time, actions as phrases, objects by name, changes as "label: before → after"
lines), named by the day it was made."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from litestar import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.audit_changes import Shown
from accounts.audit_log import AuditLine
from accounts.models import Role
from core.audit import REDACTED
from core.clock import local_time
from core.downloads import XLSX_TYPE, attachment
from core.errors import N_
from core.i18n import translate

COLUMNS = (
    (N_("Time (Beijing)"), 20),
    (N_("By"), 14),
    (N_("Role"), 12),
    (N_("Action"), 22),
    (N_("Object type"), 12),
    (N_("Object"), 24),
    (N_("Object id"), 38),
    (N_("IP address"), 16),
    (N_("Changes"), 60),
)
ROLES = {role.value: role for role in Role}
LABELLED = N_("%(label)s: %(value)s")
CHANGED = N_("%(label)s: %(before)s → %(after)s")


def labelled(locale: str, label: str, value: str) -> str:
    """ "Label: value", with the colon of the visitor's language."""
    return translate(locale, LABELLED, {"label": label, "value": value})


def _value(value: Shown, locale: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate(locale, N_("Yes") if value else N_("No"))
    if value == REDACTED:
        return translate(locale, N_("(hidden)"))
    return value


def _changes(line: AuditLine, locale: str) -> str:
    """One line per field: "label: before → after", or "label: value" for an entry that holds
    only one side (something created, or a detail of a sign-in)."""
    both = line.entry.before is not None and line.entry.after is not None
    said = []
    for change in line.changes:
        label = translate(locale, change.label)
        if both:
            before, after = _value(change.before, locale), _value(change.after, locale)
            said.append(
                translate(locale, CHANGED, {"label": label, "before": before, "after": after})
            )
        else:
            value = change.after if line.entry.after is not None else change.before
            said.append(labelled(locale, label, _value(value, locale)))
    return "\n".join(said)


def _row(line: AuditLine, locale: str) -> list[object]:
    entry = line.entry
    role = ROLES.get(entry.actor_role or "")
    return [
        local_time(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
        entry.actor_username or "",
        translate(locale, role.label) if role else "",
        translate(locale, line.phrase),
        translate(locale, line.object_label),
        line.named.text if line.named else "",
        entry.object_id or "",
        entry.ip or "",
        _changes(line, locale),
    ]


def audit_workbook(lines: Sequence[AuditLine], filters: Sequence[str], locale: str) -> bytes:
    """One sheet: the title with the filters in force, the headers, one row per entry."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on a worksheet"
    sheet.title = translate(locale, N_("Audit log"))[:31]
    sheet.append([" · ".join([translate(locale, N_("Audit log")), *filters])])
    sheet["A1"].font = Font(bold=True)
    sheet.append([translate(locale, header) for header, _width in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for position, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for line in lines:
        sheet.append(_row(line, locale))
        sheet.cell(sheet.max_row, len(COLUMNS)).alignment = Alignment(wrap_text=True)
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def audit_attachment(
    lines: Sequence[AuditLine], filters: Sequence[str], today: date, locale: str
) -> Response[bytes]:
    """The download, named by the day in China it was made: 审计日志-2026-12-05.xlsx."""
    content = audit_workbook(lines, filters, locale)
    return attachment(content, XLSX_TYPE, f"审计日志-{today.isoformat()}.xlsx")
