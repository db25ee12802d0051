"""Reading an uploaded file into rows of text by column: the first step of an import.

Kept apart so that nothing else has to care what kind of file arrived or how it is guarded: the
size and row limits are enforced here, before any row is checked. Workbooks are read with
openpyxl in read-only mode without evaluating anything: a formula arrives as its text
(``=SUM(…)``) so that checking can refuse it. CSV files are read as UTF-8 (with or without the
BOM) or, failing that, as GB18030, which is how Excel in China saves them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook

from core.errors import N_, InvalidInput
from listings.sheet import EXAMPLE_MARK, SheetKind, columns_of, header_index

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""A workbook is a zip file; one that unpacks to more than this in all is refused unread."""
MAX_MEMBER_BYTES = 50 * 1024 * 1024
"""Nor may any one part of it unpack to more (a 5,000-row sheet is a few MB of XML)."""
MAX_MEMBER_RATIO = 100
"""Nor be packed more than this tightly once past a megabyte: real sheets pack 5 to 20 times,
zip bombs a thousand."""
MAX_COLUMNS = 200
MAX_VISITED_ROWS = MAX_ROWS + 1000
"""Rows read, empty ones included: openpyxl yields a padded empty row for every row number a
sheet skips, so a 1.4 KB file with one cell at row 1,048,576 would cost a million rows of work.
With at most ``MAX_COLUMNS`` cells each, this caps the cells read too."""
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
"""The old binary .xls format."""


class FileTooLarge(InvalidInput):
    status_code = 413
    code = "file_too_large"


class TooManyRows(InvalidInput):
    code = "too_many_rows"


class NotASpreadsheet(InvalidInput):
    code = "not_a_spreadsheet"


class MissingColumns(InvalidInput):
    code = "missing_columns"


class EmptyFile(InvalidInput):
    code = "empty_file"


class SheetRow(dict[str, str]):
    """One data row: header → cell text, with its spreadsheet row number."""

    number: int

    def __init__(self, number: int, values: dict[str, str]) -> None:
        super().__init__(values)
        self.number = number


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    """The data rows of an .xlsx or .csv file, as text by header; empty rows are skipped.

    Refuses files over 10 MB, over 5,000 data rows and anything that is not a spreadsheet.
    """
    if len(content) > MAX_BYTES:
        raise FileTooLarge(
            N_("The file is larger than %(limit)s MB."), params={"limit": MAX_BYTES // 2**20}
        )
    name = filename.lower()
    if content.startswith(ZIP_SIGNATURE):
        table = _xlsx_table(content)
    elif content.startswith(OLE_SIGNATURE) or name.endswith((".xlsx", ".xlsm", ".xls")):
        raise _not_a_spreadsheet()
    else:
        table = _csv_table(content)
    return _rows_of(table)


def _not_a_spreadsheet() -> NotASpreadsheet:
    return NotASpreadsheet(
        N_(
            "This file is not a spreadsheet we can read: upload an .xlsx workbook (Excel 2007 or "
            "later) or a .csv file."
        )
    )


def _xlsx_table(content: bytes) -> Iterable[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_members(archive.infolist())
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except InvalidInput:
        raise
    except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
        raise _not_a_spreadsheet() from error
    return _workbook_rows(workbook)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    """Every part's unpacked size, read from the zip directory before anything is unpacked."""
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        packed_tightly = member.file_size > max(2**20, member.compress_size * MAX_MEMBER_RATIO)
        if member.file_size > MAX_MEMBER_BYTES or packed_tightly or unpacked > MAX_UNPACKED_BYTES:
            raise FileTooLarge(
                N_("The workbook unpacks to far more than a sheet of %(rows)s rows needs."),
                params={"rows": f"{MAX_ROWS:,}"},
            )


def _too_many_rows() -> TooManyRows:
    return TooManyRows(
        N_("The file has more than %(limit)s rows; split it into several files."),
        params={"limit": f"{MAX_ROWS:,}"},
    )


def _workbook_rows(workbook: Any) -> Iterable[Sequence[Any]]:
    """The first sheet's rows, values only (a formula is its text, never its result).

    A sheet whose recorded dimension reaches past the row limit is refused before a row is
    read; one whose dimension lies is stopped after ``MAX_VISITED_ROWS`` rows.
    """
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_VISITED_ROWS:
            raise _too_many_rows()
        for visited, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if visited > MAX_VISITED_ROWS:
                raise _too_many_rows()
            yield [_workbook_value(cell) for cell in cells]
    except InvalidInput:
        raise
    except Exception as error:
        raise _not_a_spreadsheet() from error
    finally:
        workbook.close()


def _workbook_value(cell: Any) -> Any:
    """A formula as its text (``=…``); text that merely starts with ``=`` marked as text."""
    value = cell.value
    if isinstance(value, str) and value.startswith("=") and cell.data_type != "f":
        return "'" + value
    return value


def _csv_table(content: bytes) -> Iterable[Sequence[Any]]:
    if b"\x00" in content:
        raise _not_a_spreadsheet()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as error:
            raise _not_a_spreadsheet() from error
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise _not_a_spreadsheet() from error


def _rows_of(table: Iterable[Sequence[Any]]) -> list[SheetRow]:
    rows = iter(table)
    headers: list[str] = []
    for header_row in rows:
        headers = [_cell_text(value).strip() for value in header_row[:MAX_COLUMNS]]
        break
    found: list[SheetRow] = []
    for number, values in enumerate(rows, start=2):
        texts = [_cell_text(value) for value in values[: len(headers)]]
        texts += [""] * (len(headers) - len(texts))
        if not any(text.strip() for text in texts):
            continue
        if len(found) >= MAX_ROWS:
            raise _too_many_rows()
        found.append(SheetRow(number, {h: t for h, t in zip(headers, texts, strict=False) if h}))
    if not any(headers):
        raise EmptyFile(N_("The file is empty; start from the template."))
    if not found:
        raise EmptyFile(N_("The file has no rows to import."))
    return found


def _cell_text(value: Any) -> str:
    """A cell as text: numbers without a needless ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def keyed_rows(kind: SheetKind, rows: list[SheetRow]) -> list[SheetRow]:
    """Rows by English column key; every required column must be there; example rows and
    unknown columns are left out."""
    index = header_index(kind)
    headers = {header for row in rows for header in row}
    present = {index[h].key for h in headers if h in index}
    missing = [c.header for c in columns_of(kind) if c.required and c.key not in present]
    if missing:
        raise MissingColumns(
            N_("The file lacks these columns: %(columns)s. Start from the template."),
            params={"columns": "、".join(missing)},
        )
    keyed = []
    for row in rows:
        values = {index[h].key: v for h, v in row.items() if h in index}
        if values.get("title", "").strip().startswith(EXAMPLE_MARK):
            continue
        keyed.append(SheetRow(row.number, values))
    if not keyed:
        raise EmptyFile(N_("The file has no rows to import."))
    return keyed
