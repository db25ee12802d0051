"""How an import reports a bad cell: by spreadsheet row and Chinese column header.

Reading, checking and storing all find problems; they share this one shape so that the API and
the import page can list every problem of a file the same way, in sheet order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import N_, FieldProblem, InvalidInput


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
