"""Columns every catalogue entry has, offer or need, declared once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.columns import MONEY, value_enum


class EntryColumns:
    """Category, text, workflow state and its timestamps, the author, the edit version."""

    if TYPE_CHECKING:
        id: Mapped[UUID]
        """Declared by each table's own base class."""

    category: Mapped[TopCategory] = mapped_column(value_enum(TopCategory))
    """Indexed by each table together with state and publication order."""
    subcategory_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[EntryState] = mapped_column(
        value_enum(EntryState, 16), default=EntryState.DRAFT, index=True
    )
    returned_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    entered_on_behalf_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """The reviewer who entered it for its station or organization (代录); empty when the
    owner entered it."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    import_batch: Mapped[str | None] = mapped_column(String(36), index=True)
    """Set while a large import is being stored batch by batch: every readable statement
    leaves such rows out until the whole import is made visible at once (``importing.staging``)."""

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_on_behalf_by_id is not None

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        """A stale edit (someone saved in between) fails instead of overwriting."""
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class LineColumns:
    """What a line is: its kind, the item and unit, in order on the entry."""

    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(value_enum(LineKind, 16))
    item: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    value: Mapped[Decimal | None] = mapped_column(MONEY)
    """What a purchase line in 吨, 公斤 or 件 is worth in yuan, when known."""

    @property
    def amount_unit(self) -> str:
        return self.unit or self.kind.default_unit
