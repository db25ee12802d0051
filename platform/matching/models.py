"""Pairings on their way to agreements (proposals, with the amounts they commit), and signing
events with their draft plan."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase, UUIDv7Base, orm_registry
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.columns import MONEY, value_enum
from core.errors import N_
from demand.models import Need, NeedLine
from supply.models import Offer, OfferLine

offer_place = Table(
    "offer_place",
    orm_registry.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", String(12), primary_key=True),
    Column("category", String(32), nullable=False),
    Column("subcategory_code", String(40), nullable=False),
    Index("ix_offer_place_category", "region_code", "category"),
    Index("ix_offer_place_subcategory", "region_code", "subcategory_code"),
)
"""Each published offer once per place it serves, with its category: a need's suggestions
read the offers serving its village, township, county or city in its category (or a related
sub-category) from these two indexes instead of scanning every published offer. Kept in step
with the offers inside each flush (`matching.offer_places`)."""


class ProposalState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    """Ended because the need or the offer was withdrawn or closed, or the organization
    suspended; the reason says which."""
    CONVERTED = "converted"
    """Turned into a signed agreement."""

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    ProposalState.PROPOSED: N_("Awaiting an answer"),
    ProposalState.ACCEPTED: N_("Accepted"),
    ProposalState.DECLINED: N_("Declined"),
    ProposalState.WITHDRAWN: N_("Withdrawn"),
    ProposalState.EXPIRED: N_("Expired unanswered"),
    ProposalState.CANCELLED: N_("Cancelled"),
    ProposalState.CONVERTED: N_("Signed as an agreement"),
}


class Side(StrEnum):
    """Who proposed: the need's side (its station), the offer's organization, or a reviewer."""

    NEED = "need"
    OFFER = "offer"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        return {
            "need": N_("The village's station"),
            "offer": N_("The organization"),
            "reviewer": N_("A reviewer"),
        }[self.value]


class Proposal(UUIDv7AuditBase):
    __tablename__ = "proposal"
    __table_args__ = (
        Index("ix_proposal_organization_state", "organization_id", "state"),
        Index("ix_proposal_state_expires", "state", "expires_at"),
        # Lists of proposals, newest first: a page reads its twenty from here.
        Index("ix_proposal_created", "created_at"),
        # A need's proposals in a state: the pairings around a need (`pairings_around`) are
        # counted from the index alone, without reading the proposals.
        Index("ix_proposal_need_state", "need_id", "state"),
    )

    need_id: Mapped[UUID] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    offer_id: Mapped[UUID] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[UUID] = mapped_column(ForeignKey("organization.id"))
    """The offer's organization, kept here for the open-proposal limit."""
    state: Mapped[ProposalState] = mapped_column(
        value_enum(ProposalState, 16), default=ProposalState.PROPOSED
    )
    proposed_by: Mapped[Side] = mapped_column(value_enum(Side, 16))
    proposed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    """Why it was declined or withdrawn."""
    score: Mapped[float] = mapped_column(Float, default=0.0)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The score's components when it was proposed ("为什么推荐")."""
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    answered_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """Who declined, withdrew or cancelled it (empty when it expired)."""
    organization_agreed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    organization_agreed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    recipient_agreed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """The need's station worker, or the reviewer speaking for an association or department."""
    recipient_agreed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    need_version: Mapped[int] = mapped_column(Integer, default=0)
    offer_version: Mapped[int] = mapped_column(Integer, default=0)
    """The entries' edit versions when proposed: a declined pair stays declined until one of
    them is edited."""
    event_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("signing_event.id", ondelete="SET NULL"), index=True
    )

    need: Mapped[Need] = relationship(lazy="joined", innerjoin=True)
    offer: Mapped[Offer] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[ProposalLine]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ProposalLine.id",
    )
    """In the order they were proposed (the need's lines' order then): ids grow as they are
    made."""


class ProposalLine(UUIDv7Base):
    """What the offer's line would give to the need's line: ``amount`` in the offer line's unit,
    ``covers`` in the need line's (the same for the same kind and unit; for funds paying for
    goods, time or purchases, see `matching.amounts`)."""

    __tablename__ = "proposal_line"

    proposal_id: Mapped[UUID] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    need_line_id: Mapped[UUID] = mapped_column(ForeignKey("need_line.id", ondelete="CASCADE"))
    offer_line_id: Mapped[UUID] = mapped_column(ForeignKey("offer_line.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    covers: Mapped[Decimal] = mapped_column(MONEY)

    proposal: Mapped[Proposal] = relationship(back_populates="lines")
    need_line: Mapped[NeedLine] = relationship(lazy="joined")
    offer_line: Mapped[OfferLine] = relationship(lazy="joined")


class SigningEvent(UUIDv7AuditBase):
    """A 百社助千村 signing event: where and when, and the counties it must serve."""

    __tablename__ = "signing_event"

    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    county_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    planned_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    county_cap: Mapped[int | None] = mapped_column(Integer)
    """At most this many planned pairs per county (none: no cap)."""
    organization_cap: Mapped[int | None] = mapped_column(Integer)
    """At most this many planned pairs per organization (none: no cap)."""
    uncovered: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """Counties in scope the last plan could not cover, with the reason."""

    pairs: Mapped[list[PlanPair]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def pairs_in_plan(self) -> list[PlanPair]:
        """The plan as people see it: without the pairs a reviewer dropped."""
        return [pair for pair in self.pairs if not pair.dropped_by_hand]


class PlanPair(UUIDv7Base):
    """One pairing of an event's draft plan: chosen by the planner or added by a reviewer."""

    __tablename__ = "plan_pair"
    __table_args__ = (UniqueConstraint("event_id", "need_id", "offer_id"),)

    event_id: Mapped[UUID] = mapped_column(ForeignKey("signing_event.id", ondelete="CASCADE"))
    need_id: Mapped[UUID] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    offer_id: Mapped[UUID] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"))
    county_code: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    dropped_by_hand: Mapped[bool] = mapped_column(default=False)
    """Kept (not shown, not proposed) so that re-planning never brings the pair back."""
    proposal_id: Mapped[UUID | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    """Set once the pair was turned into a proposal."""

    event: Mapped[SigningEvent] = relationship(back_populates="pairs")
    need: Mapped[Need] = relationship(lazy="joined", innerjoin=True)
    offer: Mapped[Offer] = relationship(lazy="joined", innerjoin=True)


class Notice(UUIDv7Base):
    """A line on a party's to-do list: a pairing of theirs ended by the other side (an entry
    withdrawn or closed, an organization suspended), with the reason."""

    __tablename__ = "matching_notice"

    organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    township_code: Mapped[str | None] = mapped_column(String(12), index=True)
    """The station's township; both empty: the reviewers speaking for an association or
    department."""
    proposal_id: Mapped[UUID] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    """Untranslated, shown in the reader's language with ``params``."""
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    proposal: Mapped[Proposal] = relationship(lazy="joined", innerjoin=True)


class PlanRunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "queued": N_("Waiting to start"),
            "running": N_("Planning"),
            "done": N_("Planned"),
            "failed": N_("Planning failed"),
        }[self.value]


class PlanRun(UUIDv7AuditBase):
    """One request for an event's plan, carried out in the background (`matching.plan_runs`):
    its state, how far it has come, and what it came to."""

    __tablename__ = "plan_run"
    __table_args__ = (Index("ix_plan_run_event_state", "event_id", "state"),)

    event_id: Mapped[UUID] = mapped_column(ForeignKey("signing_event.id", ondelete="CASCADE"))
    requested_by_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id"))
    k: Mapped[int] = mapped_column(Integer)
    state: Mapped[PlanRunState] = mapped_column(
        value_enum(PlanRunState, 16), default=PlanRunState.QUEUED, index=True
    )
    phase: Mapped[str] = mapped_column(String(16), default="")
    """reading (counties read), scoring (candidate pairs), solving, saving (pairs chosen)."""
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    progressed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Last sign of life of a running plan: one that stopped giving any was interrupted."""
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class EntryTerms(DefaultBase):
    """The segmented words of a need's or an offer's text, kept by `matching.terms` whenever
    the text is written, so that a plan reads them instead of cutting every entry again."""

    __tablename__ = "entry_terms"

    entry_id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    """A need's or an offer's id (both are UUIDv7, never the same)."""
    checksum: Mapped[int] = mapped_column(BigInteger)
    """Of the text the words were cut from: words of another text are never used."""
    words: Mapped[str] = mapped_column(Text)
    """Separated by spaces (a word never holds one)."""
