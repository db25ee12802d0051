"""Offers and what each gives, line by line, with what is already committed and delivered."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base, orm_registry
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Organization
from catalogue.entry import EntryColumns, LineColumns
from catalogue.lines import still_offered
from core.columns import MONEY, ZERO
from regions.models import Region

offer_region = Table(
    "offer_region",
    orm_registry.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", ForeignKey("region.code"), primary_key=True, index=True),
)


class Offer(UUIDv7AuditBase, EntryColumns):
    __tablename__ = "offer"
    __table_args__ = (
        Index("ix_offer_state_published", "state", "published_at"),
        # A reviewer's list in every state, in list order (see ``ix_need_published_at``).
        Index("ix_offer_published_at", "published_at", "id"),
        Index("ix_offer_category_state_published", "category", "state", "published_at"),
        # Pairing suggestions scan a category's published offers newest first and check
        # validity and capacity on each; with those in the index, the offers passed over are
        # never read from the table.
        Index(
            "ix_offer_suggestion_scan",
            "category",
            "state",
            "published_at",
            "id",
            "valid_until",
            "capacity_used",
            "capacity",
        ),
        # The catalogue's other orders (largest amount, validity ending soonest).
        Index("ix_offer_state_amount", "state", "amount", "published_at"),
        Index("ix_offer_state_valid_until", "state", "valid_until", "published_at"),
    )
    amount_of: ClassVar[str] = "offered"

    organization_id: Mapped[UUID] = mapped_column(ForeignKey("organization.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    """How many needs the offer can take on."""
    capacity_used: Mapped[int] = mapped_column(Integer, default=0)
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    organization: Mapped[Organization] = relationship(lazy="joined")
    service_regions: Mapped[list[Region]] = relationship(
        secondary=offer_region, lazy="selectin", order_by=Region.code
    )
    lines: Mapped[list[OfferLine]] = relationship(
        back_populates="offer",
        lazy="selectin",
        order_by="OfferLine.position",
        cascade="all, delete-orphan",
    )

    @property
    def remaining_capacity(self) -> int:
        return remaining_capacity(self.capacity, self.capacity_used)

    @property
    def deadline(self) -> date:
        return self.valid_until

    @property
    def organization_name(self) -> str:
        return self.organization.name

    @property
    def service_region_codes(self) -> list[str]:
        return [region.code for region in self.service_regions]


def remaining_capacity(capacity: int, used: int) -> int:
    """How many more needs an offer can take on."""
    return max(capacity - used, 0)


class OfferLine(UUIDv7Base, LineColumns):
    __tablename__ = "offer_line"

    offer_id: Mapped[UUID] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    offered: Mapped[Decimal] = mapped_column(MONEY)
    committed: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    delivered: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    """What recipients confirmed receiving of it (``funds.deliveries``)."""

    offer: Mapped[Offer] = relationship(back_populates="lines")

    @property
    def remaining(self) -> Decimal:
        return still_offered(self)
