"""Bulk import of needs and offers from an .xlsx or .csv file in the template's layout.

All or nothing: every row is checked first and every problem is reported by spreadsheet row
(the header is row 1) and Chinese column header; only a file without any problem is stored,
each entry through its service's ``create`` as a draft, in the request's one transaction,
with one ``need.imported`` / ``offer.imported`` audit row for the whole import.

Workbooks are read with openpyxl in read-only mode without evaluating anything: a formula
arrives as its text (``=SUM(…)``) and is refused. CSV files are read as UTF-8 (with or without
the BOM) or, failing that, as GB18030, which is how Excel in China saves them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.sheet import (
    CHANNEL_WORDS,
    CITY_CODE,
    EXAMPLE_MARK,
    GROUP_WORDS,
    LINE_GROUPS,
    LINE_KIND_WORDS,
    LIST_SEPARATORS,
    URGENCY_WORDS,
    Column,
    SheetKind,
    Vocabulary,
    columns_of,
    header_index,
    load_vocabulary,
    normal_path,
    words_index,
)
from catalogue.workflow import EntryState
from core.audit import Actor, record
from core.clock import Clock, local_date
from core.errors import N_, FieldProblem, InvalidInput
from core.forms import problems_of
from demand.models import Channel, Need
from demand.schemas import NeedFields
from demand.service import NeedService
from regions.models import Region, RegionLevel
from supply.models import Offer
from supply.schemas import OfferFields
from supply.service import OfferService

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A workbook is a zip file; one that unpacks to more than this is refused unread."""
MAX_COLUMNS = 200
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
"""The old binary .xls format."""
ACTIVE_STATES = (
    EntryState.DRAFT,
    EntryState.SUBMITTED,
    EntryState.RETURNED,
    EntryState.PUBLISHED,
)
"""Entries a new one may duplicate; closed and withdrawn ones are history."""
QUERY_CHUNK = 500


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


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell: spreadsheet row number (header = 1), Chinese header, code, message."""

    row: int
    column: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_field_problem(self) -> FieldProblem:
        return FieldProblem(f"row {self.row}: {self.column}", self.code, self.message, self.params)


class RowsRejected(InvalidInput):
    """Some rows are wrong; nothing was stored. ``rows`` lists every problem in sheet order."""

    code = "invalid_rows"

    def __init__(self, problems: list[RowProblem]) -> None:
        bad_rows = len({p.row for p in problems})
        super().__init__(
            N_("%(count)s rows need correcting; nothing was imported."),
            params={"count": bad_rows},
            problems=[p.as_field_problem() for p in problems],
        )
        self.rows = problems


class SheetRow(dict[str, str]):
    """One data row: header → cell text, with its spreadsheet row number."""

    number: int

    def __init__(self, number: int, values: dict[str, str]) -> None:
        super().__init__(values)
        self.number = number


# Reading the file ---------------------------------------------------------------------------


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
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileTooLarge(
                N_("The file is larger than %(limit)s MB."),
                params={"limit": MAX_BYTES // 2**20},
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except InvalidInput:
        raise
    except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
        raise _not_a_spreadsheet() from error
    return _workbook_rows(workbook)


def _workbook_rows(workbook: Any) -> Iterable[Sequence[Any]]:
    """The first sheet's rows, values only (a formula is its text, never its result)."""
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(max_col=MAX_COLUMNS):
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
            raise TooManyRows(
                N_("The file has more than %(limit)s rows; split it into several files."),
                params={"limit": f"{MAX_ROWS:,}"},
            )
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


# Checking every row -------------------------------------------------------------------------

MISSING = N_("This field is required.")
FORMULA = N_("Formulas are not accepted; type the value itself.")
NOT_A_NUMBER = N_("Enter a number.")
NOT_WHOLE = N_("Enter a whole number.")
NOT_POSITIVE = N_("The amount must be greater than zero.")
NEGATIVE = N_("This number is too small.")
BAD_DATE = N_("Write the date as YYYY-MM-DD.")
NOT_ONE_OF = N_("%(value)s is not one of: %(choices)s.")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)

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
        cleaned = re.sub(r"[\s,，]", "", value)
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(key, "not_a_number", NOT_A_NUMBER)
            return None
        return number

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

    def date_in(self, key: str) -> date | None:
        value = self.required(key)
        if not value:
            return None
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
            keys = {part: f"line{n}_{part}" for part in ("kind", "amount", "item", "unit")}
            if not any(self.cells.get(key, "").strip() for key in keys.values()):
                continue
            kind = self.word(keys["kind"], LINE_KIND_WORDS)
            if kind is None and keys["kind"] not in self.flagged:
                self.problem(keys["kind"], "missing", MISSING)
            amount = self.number_in(keys["amount"])
            if amount is None and keys["amount"] not in self.flagged:
                self.problem(keys["amount"], "missing", MISSING)
            elif amount is not None and amount <= 0:
                self.problem(keys["amount"], "not_positive", NOT_POSITIVE)
            item, unit = self.text(keys["item"]), self.text(keys["unit"])
            if kind is not None and amount is not None and amount > 0:
                lines.append(
                    {"kind": kind, "amount": amount, "item": item, "unit": unit, "group": n}
                )
        if not lines and not any(f"line{n}_" in key for key in self.flagged for n in (1, 2, 3)):
            self.problem(
                "line1_kind", "no_lines", N_("Give at least one line: its type and its amount.")
            )
        return lines

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


class ImportPlan:
    """Checks every row of one file for one importing identity; then stores them all."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        kind: SheetKind,
        identity: Identity,
        vocabulary: Vocabulary,
    ) -> None:
        self.session = session
        self.clock = clock
        self.kind = kind
        self.identity = identity
        self.vocabulary = vocabulary
        self.columns = {c.key: c for c in columns_of(kind)}
        self.today = local_date(clock())
        self.problems: list[RowProblem] = []
        self.entries: list[tuple[int, Any]] = []

    @classmethod
    async def of(
        cls, session: AsyncSession, clock: Clock, kind: SheetKind, identity: Identity
    ) -> ImportPlan:
        return cls(session, clock, kind, identity, await load_vocabulary(session))

    # categories and places

    def category(self, row: _Row) -> tuple[str | None, str | None]:
        top_text = row.required("category")
        sub_text = row.required("subcategory")
        top = self._category_named(top_text, parent=None) if top_text else None
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
            sub = self._category_named(sub_text, parent=top)
            if sub is None:
                row.problem(
                    "subcategory",
                    "unknown_subcategory",
                    N_("%(value)s is not a sub-category of %(category)s."),
                    value=sub_text,
                    category=self.vocabulary.category_name(top),
                )
        return top, sub

    def _category_named(self, text: str, *, parent: str | None) -> str | None:
        wanted = text.strip().casefold()
        for category in self.vocabulary.categories.values():
            if category.parent_code == parent and wanted in (
                category.code.casefold(),
                category.name_zh.casefold(),
                category.name_en.casefold(),
            ):
                return category.code
        return None

    def region(self, row: _Row, key: str, text: str) -> Region | None:
        """A division by its 12-digit code or its name path."""
        if re.fullmatch(r"\d{12}", text):
            found = self.vocabulary.regions.get(text)
            if found is None:
                row.problem(
                    key,
                    "unknown_region",
                    N_("No administrative division has the code %(code)s."),
                    code=text,
                )
            return found
        matches = self.vocabulary.paths.get(normal_path(text), [])
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

    # needs

    def need_row(self, row: _Row) -> tuple[NeedFields | None, str | None]:
        title = row.required("title")
        top, sub = self.category(row)
        channel = self._channel(row)
        region = self._need_region(row, channel)
        deadline = row.date_in("deadline")
        if deadline is not None and deadline <= self.today:
            row.problem("deadline", "past", N_("The deadline must be in the future."))
        urgency = row.word("urgency", URGENCY_WORDS)
        if urgency is None and "urgency" not in row.flagged:
            row.problem("urgency", "missing", MISSING)
        groups = []
        for word in row.listed("beneficiary_groups"):
            found = words_index(GROUP_WORDS).get(word.casefold())
            if found is None:
                row.problem(
                    "beneficiary_groups",
                    "unknown_value",
                    NOT_ONE_OF,
                    value=word,
                    choices="、".join(spellings[0] for spellings in GROUP_WORDS.values()),
                )
            else:
                groups.append(found)
        lines = row.lines()
        values = {
            "title": title,
            "category": top,
            "subcategory": sub,
            "region_code": region.code if region else None,
            "description": row.text("description"),
            "beneficiary_count": row.whole("beneficiary_count", 0),
            "beneficiary_groups": list(dict.fromkeys(groups)),
            "lines": lines,
            "urgency": urgency,
            "deadline": deadline,
            "tags": row.listed("tags"),
            "channel": channel or Channel.STATION,
            "channel_name": row.text("channel_name"),
        }
        fields = row.validated(NeedFields, values, lines)
        return fields, (region.code if region else None)

    def _channel(self, row: _Row) -> Channel | None:
        station_worker = Role.STATION_WORKER in self.identity.roles
        reviewer = Role.REVIEWER in self.identity.roles
        default = Channel.STATION if station_worker else None
        channel = row.word("channel", CHANNEL_WORDS, default)
        if "channel" in row.flagged:
            return None
        if channel is None:
            row.problem(
                "channel",
                "channel_required",
                N_(
                    "Reviewers import needs for an industry association or a department: "
                    "write 行业协会 or 部门 here and its name in 渠道名称."
                ),
            )
        elif channel is Channel.STATION and not station_worker:
            row.problem(
                "channel", "not_yours", N_("Only station workers post needs for a station.")
            )
        elif channel is not Channel.STATION and not reviewer:
            row.problem(
                "channel",
                "not_yours",
                N_("Only reviewers post needs on behalf of associations or departments."),
            )
        return channel

    def _need_region(self, row: _Row, channel: Channel | None) -> Region | None:
        text = row.required("region")
        if not text:
            return None
        region = self.region(row, "region", text)
        if region is None:
            return None
        if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            row.problem("region", "wrong_region", N_("Choose a township or a village."))
            return None
        township = self.identity.township_code
        if channel is Channel.STATION and township not in (region.code, region.parent_code):
            row.problem(
                "region",
                "wrong_region",
                N_("A station posts needs only for its own township and its villages."),
            )
            return None
        return region

    # offers

    def offer_row(self, row: _Row) -> tuple[OfferFields | None, str | None]:
        title = row.required("title")
        top, sub = self.category(row)
        regions: list[str] = []
        for text in row.listed("service_regions"):
            if text in ("昭通市", "昭通", "全市"):
                regions.append(CITY_CODE)
            elif (found := self.region(row, "service_regions", text)) is not None:
                regions.append(found.code)
        if not regions and "service_regions" not in row.flagged:
            row.problem("service_regions", "missing", MISSING)
        lines = row.lines()
        values = {
            "title": title,
            "category": top,
            "subcategory": sub,
            "description": row.text("description"),
            "lines": lines,
            "service_region_codes": list(dict.fromkeys(regions)),
            "valid_from": row.date_in("valid_from"),
            "valid_until": row.date_in("valid_until"),
            "capacity": row.whole("capacity", 1),
            "contact_name": row.text("contact_name"),
            "contact_phone": row.text("contact_phone"),
            "tags": row.listed("tags"),
        }
        fields = row.validated(OfferFields, values, lines)
        return fields, None

    # the whole file

    async def check(self, rows: list[SheetRow]) -> None:
        """Check every row, then duplicates against the database and earlier rows."""
        checked: list[tuple[_Row, Any, str | None]] = []
        for sheet_row in rows:
            row = _Row(sheet_row, self.columns)
            if self.kind is SheetKind.NEEDS:
                fields, place = self.need_row(row)
            else:
                fields, place = self.offer_row(row)
            checked.append((row, fields, place))
        existing = await self._existing([fields.title for _, fields, _ in checked if fields])
        seen: dict[tuple[str, str | None], int] = {}
        for row, fields, place in checked:
            if fields is not None:
                key = (fields.title, place)
                if key in existing:
                    row.problem("title", "duplicate", self._duplicate_message())
                elif key in seen:
                    row.problem("title", "duplicate", self._repeat_message(), row=seen[key])
                else:
                    seen[key] = row.number
            if row.problems:
                self.problems.extend(row.problems)
            else:
                self.entries.append((row.number, fields))
        if self.problems:
            raise RowsRejected(self._sorted(self.problems))

    def _duplicate_message(self) -> str:
        if self.kind is SheetKind.NEEDS:
            return N_("A need with this title already exists for this place.")
        return N_("Your organization already has an offer with this title.")

    def _repeat_message(self) -> str:
        if self.kind is SheetKind.NEEDS:
            return N_("Row %(row)s already has the same title and place.")
        return N_("Row %(row)s already has the same title.")

    async def _existing(self, titles: list[str]) -> set[tuple[str, str | None]]:
        found: set[tuple[str, str | None]] = set()
        unique = sorted(set(titles))
        for start in range(0, len(unique), QUERY_CHUNK):
            chunk = unique[start : start + QUERY_CHUNK]
            if self.kind is SheetKind.NEEDS:
                rows = await self.session.execute(
                    select(Need.title, Need.region_code).where(
                        Need.title.in_(chunk), Need.state.in_(ACTIVE_STATES)
                    )
                )
                found.update((title, region) for title, region in rows)
            else:
                rows = await self.session.execute(
                    select(Offer.title).where(
                        Offer.title.in_(chunk),
                        Offer.state.in_(ACTIVE_STATES),
                        Offer.organization_id == self.identity.organization_id,
                    )
                )
                found.update((title, None) for (title,) in rows)
        return found

    def _sorted(self, problems: list[RowProblem]) -> list[RowProblem]:
        order = {c.header: i for i, c in enumerate(self.columns.values())}
        return sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))

    async def store(self, actor: Actor, filename: str) -> list[Any]:
        """Create every checked entry as a draft, then one audit row for the import."""
        service: NeedService | OfferService
        if self.kind is SheetKind.NEEDS:
            service = NeedService(self.session, self.clock)
        else:
            service = OfferService(self.session, self.clock)
        created: list[Any] = []
        problems: list[RowProblem] = []
        for number, fields in self.entries:
            try:
                created.append(await service.create(fields, self.identity, actor, flush=False))
            except InvalidInput as error:
                for problem in error.problems:
                    key = _column_key(problem.field, type(fields), [])
                    header = self.columns[key].header if key in self.columns else key
                    problems.append(
                        RowProblem(number, header, problem.code, problem.message, problem.params)
                    )
        if problems:
            raise RowsRejected(self._sorted(problems))
        entry = "need" if self.kind is SheetKind.NEEDS else "offer"
        record(
            self.session,
            actor=actor,
            action=f"{entry}.imported",
            object_type=entry,
            after={"count": len(created), "file": filename[:200]},
            at=self.clock(),
        )
        await self.session.flush()
        return created


async def import_file(
    session: AsyncSession,
    clock: Clock,
    kind: SheetKind,
    identity: Identity,
    actor: Actor,
    filename: str,
    content: bytes,
) -> list[Any]:
    """Read, check and store one file: every entry, or nothing and every problem."""
    rows = keyed_rows(kind, read_rows(filename, content))
    plan = await ImportPlan.of(session, clock, kind, identity)
    await plan.check(rows)
    return await plan.store(actor, filename)
