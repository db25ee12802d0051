"""Tables both sides of the catalogue share: categories, and the history of every entry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.categories import TopCategory
from core.columns import value_enum
from core.errors import N_


class Category(DefaultBase):
    """A top category (parent empty) or a sub-category, from ``data/categories.csv``."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)

    @property
    def top(self) -> TopCategory:
        return TopCategory(self.parent_code or self.code)

    def name(self, locale: str) -> str:
        return self.name_zh if locale == "zh" else self.name_en


class EntryKind(StrEnum):
    OFFER = "offer"
    NEED = "need"

    @property
    def label(self) -> str:
        return N_("Offer") if self is EntryKind.OFFER else N_("Need")


class EntryEvent(UUIDv7Base):
    """One step in the life of an offer or a need, shown on its page as its history."""

    __tablename__ = "entry_event"

    entry_kind: Mapped[EntryKind] = mapped_column(value_enum(EntryKind, 8))
    entry_id: Mapped[UUID] = mapped_column(index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    state_before: Mapped[str | None] = mapped_column(String(16))
    state_after: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
