"""What crosses HTTP for both kinds of entry: lines, history, categories, list filters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.amounts import Amount
from core.categories import TopCategory
from core.errors import N_

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]


class LineIn(BaseModel):
    kind: LineKind
    amount: Amount
    item: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""

    @model_validator(mode="after")
    def _goods_name_their_unit(self) -> LineIn:
        if self.kind is LineKind.GOODS and not (self.item and self.unit):
            raise ValueError(N_("Goods need the item and its unit (e.g. 200 套 school uniforms)."))
        return self


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    """Proposals name the lines they commit against."""
    kind: LineKind
    item: str
    unit: str
    amount_unit: str


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


class StepRequest(BaseModel):
    """The optional body of a workflow step: a reason (required to return), the version seen."""

    reason: Reason | None = None
    version: int | None = None
