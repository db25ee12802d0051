"""Needs and what each seeks, line by line, with what is committed and delivered against it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Station
from catalogue.entry import EntryColumns, LineColumns
from catalogue.lines import NeedProgress, need_progress
from core.columns import MONEY, ZERO, value_enum
from core.errors import N_
from regions.models import Region


class Urgency(StrEnum):
    """The seed city's red/yellow/green flag (红黄绿)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": N_("Red: urgent"), "yellow": N_("Yellow: soon"), "green": N_("Green")}[
            self.value
        ]

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)

    @property
    def weight(self) -> int:
        """Higher is more urgent: what the catalogue orders by."""
        return len(Urgency) - 1 - self.rank


class Channel(StrEnum):
    """How the need was collected."""

    STATION = "station"
    ASSOCIATION = "association"
    DEPARTMENT = "department"

    @property
    def label(self) -> str:
        return {
            "station": N_("Township social-work station"),
            "association": N_("Industry association"),
            "department": N_("Government department"),
        }[self.value]


class BeneficiaryGroup(StrEnum):
    LEFT_BEHIND_CHILDREN = "left_behind_children"
    LEFT_BEHIND_ELDERLY = "left_behind_elderly"
    DISABLED = "disabled"
    CHILDREN_IN_DIFFICULTY = "children_in_difficulty"
    SUBSISTENCE = "subsistence"
    POVERTY_ALLEVIATED = "poverty_alleviated"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "left_behind_children": N_("Left-behind children"),
            "left_behind_elderly": N_("Left-behind elderly"),
            "disabled": N_("People with disabilities"),
            "children_in_difficulty": N_("Children in difficulty"),
            "subsistence": N_("Subsistence households"),
            "poverty_alleviated": N_("Households lifted out of poverty"),
            "other": N_("Others"),
        }[self.value]


class Need(UUIDv7AuditBase, EntryColumns):
    __tablename__ = "need"
    __table_args__ = (
        Index("ix_need_state_published", "state", "published_at"),
        # The catalogue's usual filters, each led by its column and ending in the list order,
        # so a filtered page and its total read an index range instead of the table.
        Index("ix_need_county_state_published", "county_code", "state", "published_at"),
        Index("ix_need_township_state_published", "township_code", "state", "published_at"),
        Index("ix_need_category_state_published", "category", "state", "published_at"),
        Index("ix_need_urgency_state_published", "urgency", "state", "published_at"),
        # A reviewer's list in every state (all of it, or one county, township or category),
        # in list order: newest first, then by id. Without the id, the drafts never published
        # (published_at NULL, first in that order) were all read and sorted for each page
        # (939 rows of one county on the benchmark's catalogue: 5.7 ms instead of 0.2).
        Index("ix_need_published_at", "published_at", "id"),
        Index("ix_need_county_published", "county_code", "published_at", "id"),
        Index("ix_need_township_published", "township_code", "published_at", "id"),
        # Also the monitoring's needs published per category, counted from the index alone.
        Index("ix_need_category_published", "category", "published_at", "id"),
        # The catalogue's other orders (largest amount, soonest deadline, most urgent), each
        # read in index order and tied by publication.
        Index("ix_need_state_amount", "state", "amount", "published_at"),
        Index("ix_need_state_deadline", "state", "deadline", "published_at"),
        Index("ix_need_state_urgency", "state", "urgency_weight", "published_at"),
        # An offer's candidate needs in a township it serves, in its category, newest first:
        # without it PostgreSQL intersected the township's needs with every need of the
        # category (a fifth of the catalogue) to spare reading a few hundred rows.
        Index(
            "ix_need_township_state_category",
            "township_code",
            "state",
            "category",
            "published_at",
        ),
        # The pairings a township and its villages hold (`matching.repository`): the needs of
        # a township with their villages, read from the index alone.
        Index("ix_need_township_region", "township_code", "region_code", "id"),
    )
    amount_of: ClassVar[str] = "sought"

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    station_id: Mapped[UUID | None] = mapped_column(ForeignKey("station.id"), index=True)
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 16), default=Channel.STATION)
    channel_name: Mapped[str] = mapped_column(String(100), default="")
    beneficiary_count: Mapped[int] = mapped_column(Integer, default=0)
    beneficiary_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgency: Mapped[Urgency] = mapped_column(value_enum(Urgency, 8))
    urgency_weight: Mapped[int] = mapped_column(SmallInteger, default=0)
    """2 red, 1 yellow, 0 green (`Urgency.weight`): "most urgent first" in index order."""
    deadline: Mapped[date] = mapped_column(Date, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    """Who answers for this need when it is not the station's usual contact."""

    region: Mapped[Region] = relationship(foreign_keys=[region_code], lazy="joined")
    station: Mapped[Station | None] = relationship(lazy="joined")
    lines: Mapped[list[NeedLine]] = relationship(
        back_populates="need",
        lazy="selectin",
        order_by="NeedLine.position",
        cascade="all, delete-orphan",
    )

    @property
    def region_name(self) -> str:
        return self.region.full_name

    def keep_figures(self) -> None:
        super().keep_figures()
        self.urgency_weight = Urgency(self.urgency).weight

    @property
    def progress(self) -> NeedProgress:
        return need_progress(self.lines)

    @property
    def contact(self) -> tuple[str, str]:
        """Who to call about it: its own contact, else the station's (private to platform
        users)."""
        station = self.station
        kept = None if station is None else (station.contact_name, station.contact_phone)
        return need_contact(self.contact_name, self.contact_phone, self.channel_name, kept)


def need_contact(
    name: str, phone: str, channel_name: str, station: tuple[str, str] | None
) -> tuple[str, str]:
    """A need's own contact, else its station's, else the association or department by name:
    the rule the loaded need and the lean list rows (``demand.repository``) both follow."""
    if name or phone:
        return (name, phone)
    if station is None:
        return (channel_name, "")
    return station


class NeedLine(UUIDv7Base, LineColumns):
    __tablename__ = "need_line"

    need_id: Mapped[UUID] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    sought: Mapped[Decimal] = mapped_column(MONEY)
    committed: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    delivered: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)

    need: Mapped[Need] = relationship(back_populates="lines")


class NeedPhoto(UUIDv7Base):
    """A photo of a need (the broken bridge, the children's home); the image itself is a file
    in the content store (``core.files``) named by ``sha256``, this row only describes it."""

    __tablename__ = "need_photo"

    need_id: Mapped[UUID] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
