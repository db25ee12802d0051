"""An audit entry's change as rows of a before/after table, each field with its label.

An entry with both a before and an after shows the fields that differ; one with only an after
(something created) or only a before shows every field it holds. Values are stored as JSON:
times become Beijing time, lists are joined, yes/no stays a boolean for the page to say in its
language, and an empty value is None.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.audit_words import FIELDS, shows_field
from core.clock import local_time

MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

Shown = str | bool | None


@dataclass(frozen=True, slots=True)
class Change:
    """One field: its name, its label (a message id, or the name when it has none), before and
    after as shown (``core.audit.REDACTED`` for a secret the log never kept)."""

    field: str
    label: str
    before: Shown
    after: Shown


def changes_of(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The rows of the table, in the order the entry holds its fields."""
    old, new = before or {}, after or {}
    both = before is not None and after is not None
    fields = [*old, *(key for key in new if key not in old)]
    rows = []
    for field in fields:
        was, now = shown(old.get(field)), shown(new.get(field))
        if shows_field(field) and not (both and was == now):
            rows.append(Change(field=field, label=FIELDS.get(field, field), before=was, after=now))
    return rows


def shown(value: Any) -> Shown:
    """A stored value as the table shows it."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return "、".join(str(shown(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and MOMENT.match(value):
        try:
            return local_time(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return str(value)
