"""A listed read's model, assembled without validation, is the model pydantic would build."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from core.assembled import assembled


class Line(BaseModel):
    item: str
    amount: Decimal


class Entry(BaseModel):
    title: str
    deadline: date
    lines: list[Line]
    note: str | None = None


def test_an_assembled_model_is_the_validated_one_and_says_its_fields_in_order() -> None:
    given = {"note": None, "lines": [("米", "12.50")], "deadline": date(2026, 12, 31)}
    built = assembled(
        Entry,
        note=given["note"],
        lines=[
            assembled(Line, amount=Decimal(amount), item=item) for item, amount in given["lines"]
        ],
        deadline=given["deadline"],
        title="以勒村饮水",
    )
    validated = Entry(
        title="以勒村饮水",
        deadline=date(2026, 12, 31),
        lines=[Line(item="米", amount=Decimal("12.50"))],
        note=None,
    )
    assert built == validated
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_fields_set == validated.model_fields_set
    changed = built.model_copy(update={"note": "已核实"})
    assert changed.note == "已核实"
    assert built.note is None


def test_a_field_left_out_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(KeyError, match="note"):
        assembled(Entry, title="以勒村饮水", deadline=date(2026, 12, 31), lines=[])
