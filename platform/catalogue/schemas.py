"""What crosses HTTP for both kinds of entry: lines, history, categories, list filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    field_serializer,
    model_validator,
)

from catalogue.lines import LineKind, unit_problem
from catalogue.workflow import EntryState, ReturnCause
from core.amounts import Amount
from core.categories import TopCategory
from core.errors import N_

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
CENT = Decimal("0.01")
MAX_LINES = 10
"""Lines one need or offer holds; more go into another entry."""


class LineIn(BaseModel):
    kind: LineKind
    amount: Amount
    """Yuan for funds, person-days for time, a quantity in ``unit`` for goods and purchases."""
    item: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    value: Amount | None = None
    """Purchases only: what the quantity is worth in yuan, when known."""

    @model_validator(mode="after")
    def _unit_fits_the_kind(self) -> LineIn:
        if self.kind is LineKind.GOODS and not self.item:
            raise ValueError(N_("Goods need the item and its unit (e.g. 200 套 school uniforms)."))
        problem = unit_problem(self.kind, self.unit, self.value)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def stored_unit(self) -> str:
        return self.unit if self.kind.names_its_unit and self.unit else self.kind.default_unit


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    """Proposals name the lines they commit against."""
    kind: LineKind
    item: str
    unit: str
    amount_unit: str
    value: Decimal | None = None
    """Purchases only: what the quantity is worth in yuan, when known."""

    @field_serializer("value")
    def _yuan(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(CENT)


class EntryEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    actor_name: str | None
    action: str
    state_before: str | None
    state_after: str
    reason: str | None


class SubcategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str


class CategoryRead(SubcategoryRead):
    subcategories: list[SubcategoryRead]


class ReturnReason(BaseModel):
    reason: Reason


class ListOrder(StrEnum):
    """How the catalogue orders a list; every order ties by publication, newest first."""

    NEWEST = "newest"
    AMOUNT = "amount"
    """Largest total in 元 first."""
    DEADLINE = "deadline"
    """Soonest deadline (an offer: the end of its validity) first."""
    URGENCY = "urgency"
    """Red, then yellow, then green (needs only)."""

    @property
    def label(self) -> str:
        return _ORDER_LABELS[self]


_ORDER_LABELS = {
    ListOrder.NEWEST: N_("Newest first"),
    ListOrder.AMOUNT: N_("By amount"),
    ListOrder.DEADLINE: N_("By deadline"),
    ListOrder.URGENCY: N_("By urgency"),
}


class EntryFilters(BaseModel):
    """The catalogue's filters, the same for pages, the API and exports (frozen: they key the
    memory of public lists)."""

    model_config = ConfigDict(frozen=True)

    category: TopCategory | None = None
    subcategory: Annotated[str, StringConstraints(max_length=40)] | None = None
    county: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    township: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    state: EntryState | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    sort: ListOrder = ListOrder.NEWEST
    """The order of the list (exports keep the order entries were made in)."""


class StepRequest(BaseModel):
    """The optional body of a workflow step: a reason (required to return), the version seen."""

    cause: ReturnCause | None = None
    """Returning: the reason from the short list; with none, or "other", ``reason`` is required."""
    reason: Reason | None = None
    version: int | None = None
    confirm: bool = False
    """Withdrawing or closing an entry with pairings: the person confirms ending them."""
