"""The agreement forms as pages post them, turned into what ``AgreementCreate`` and
``PaperAgreementCreate`` expect, and their problems named after the form's own fields.

Indicator targets and lines are numbered rows (``indicators.N.name``, ``lines.N.amount``): an
indicator row partly filled is checked, a blank one ignored; a line without an amount is left
out, as on the need and offer forms. The responsible persons are
``organization_contact.name`` / ``.phone`` (and the recipient's): both blank means the default
contact.
"""

from __future__ import annotations

import re
from typing import Any

from catalogue.forms import NO_LINES
from core.errors import N_, FieldProblem, InvalidInput
from core.forms import form_values

LIST_FIELDS = frozenset({"proposal_ids"})
ROW_KEYS = {
    "indicators": ("name", "unit", "baseline", "target", "frequency"),
    "lines": ("kind", "amount", "item", "unit"),
}
ROW_NEEDS = {"lines": "amount"}
CONTACTS = ("organization_contact", "recipient_contact")
INDICATOR_ROWS = 1
LINE_ROWS = 3
NO_PROPOSALS = N_("Choose at least one accepted pairing.")

_ROW_FIELD = re.compile(r"^(indicators|lines)\.(\d+)\.(\w+)$")
_CONTACT_FIELD = re.compile(r"^(organization_contact|recipient_contact)\.(name|phone)$")


def agreement_values(form: Any) -> dict[str, Any]:
    """The posted form as the page shows it again."""
    return form_values(form, LIST_FIELDS)


def agreement_data(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The dict the schemas validate, and for each row list the form row of each item."""
    data = {
        key: value
        for key, value in values.items()
        if not _ROW_FIELD.match(key) and not _CONTACT_FIELD.match(key)
    }
    for contact in CONTACTS:
        person = {
            part: values[f"{contact}.{part}"]
            for part in ("name", "phone")
            if f"{contact}.{part}" in values
        }
        if person:
            data[contact] = person
    rows: dict[str, list[int]] = {}
    for name, keys in ROW_KEYS.items():
        rows[name] = _filled_rows(values, name)
        data[name] = [
            {key: values[f"{name}.{row}.{key}"] for key in keys if f"{name}.{row}.{key}" in values}
            for row in rows[name]
        ]
    return data, rows


def _filled_rows(values: dict[str, Any], name: str) -> list[int]:
    """The rows of the list with something typed in (a line: with its amount, as the need and
    offer forms take them)."""
    found = {
        int(match.group(2))
        for key in values
        if (match := _ROW_FIELD.match(key)) and match.group(1) == name
    }
    needed = ROW_NEEDS.get(name)
    return sorted(row for row in found if needed is None or f"{name}.{row}.{needed}" in values)


def row_count(values: dict[str, Any], name: str, least: int) -> int:
    """``least`` rows, or as many as were sent back."""
    sent = [
        int(m.group(2)) for key in values if (m := _ROW_FIELD.match(key)) and m.group(1) == name
    ]
    return max(least, max(sent, default=-1) + 1)


def on_the_form(error: InvalidInput, rows: dict[str, list[int]]) -> InvalidInput:
    """The same problems, named after the form's fields: a row by its place on the form, not
    in the list; a problem of the whole form (the recipient) on top."""
    problems = []
    for problem in error.problems:
        parts = problem.field.split(".")
        field, message = problem.field, problem.message
        if parts[0] in rows and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            kept = rows[parts[0]]
            field = ".".join(
                [parts[0], str(kept[index] if index < len(kept) else index), *parts[2:]]
            )
        elif problem.field == "lines":
            message = NO_LINES
        elif problem.field == "proposal_ids" and problem.code in {"missing", "too_short"}:
            message = NO_PROPOSALS
        problems.append(FieldProblem(field, problem.code, message, problem.params))
    return InvalidInput(error.message, params=error.params, problems=problems)
