"""Columns every catalogue entry has, offer or need, declared once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.columns import MONEY, ZERO, value_enum

YUAN = "元"


class EntryColumns:
    """Category, text, workflow state and its timestamps, the author, the edit version."""

    if TYPE_CHECKING:
        id: Mapped[UUID]
        """Declared by each table's own base class."""
        amount_of: ClassVar[str]
        """The line attribute holding what a line seeks or offers (``sought``, ``offered``)."""

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
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Indexed by each entry table with ``id`` after it, in list order (``ix_*_published_at``)."""
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    entered_on_behalf_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """The reviewer who entered it for its station or organization (代录); empty when the
    owner entered it."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    """What its lines counted in 元 add up to (sought or offered), for the catalogue's
    "largest amount first"; kept by every flush that changes the lines (`_keep_figures`)."""
    import_batch: Mapped[str | None] = mapped_column(String(36), index=True)
    """Set while a large import is being stored batch by batch: every readable statement
    leaves such rows out until the whole import is made visible at once (``importing.staging``)."""

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_on_behalf_by_id is not None

    def keep_figures(self) -> None:
        """Set the columns derived from the entry's own fields before it is written."""
        lines = getattr(self, "lines", [])
        self.amount = sum(
            (getattr(line, self.amount_of) for line in lines if line.amount_unit == YUAN), ZERO
        )

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
        return amount_unit(self.kind, self.unit)


def amount_unit(kind: LineKind, unit: str) -> str:
    """The unit a line's amount is counted in: its own, else its kind's (元, 人天)."""
    return unit or kind.default_unit


def _keep_figures(session: Session, _context: object, _instances: object) -> None:
    """Before each flush, the derived columns of the entries whose lines (or other fields the
    figures come from) changed: services, imports and the demo loader all pass here."""
    for entry in (*session.new, *session.dirty):
        if isinstance(entry, EntryColumns):
            state = inspect(entry)
            if entry in session.new or any(
                state.attrs[name].history.has_changes()
                for name in ("lines", "urgency")
                if name in state.attrs
            ):
                entry.keep_figures()


event.listen(Session, "before_flush", _keep_figures)
