"""Agreements between one organization and one recipient, their lines, indicator targets and
documents, and the per-year counter that numbers them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Organization
from catalogue.lines import LineKind
from core.categories import TopCategory
from core.columns import MONEY, ZERO, value_enum
from core.errors import N_
from matching.models import SigningEvent


class AgreementState(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    IN_PROGRESS = "in_progress"
    COMPLETION_CONFIRMED = "completion_confirmed"
    """The recipient (the village, through its station) signed off the work as done."""
    COMPLETED = "completed"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    AgreementState.DRAFT: N_("Draft, awaiting signatures"),
    AgreementState.SIGNED: N_("Signed"),
    AgreementState.IN_PROGRESS: N_("In progress"),
    AgreementState.COMPLETION_CONFIRMED: N_("Completion confirmed by the recipient"),
    AgreementState.COMPLETED: N_("Completed"),
    AgreementState.TERMINATED: N_("Terminated"),
}


class RecipientKind(StrEnum):
    """Who receives the help: a village, township or county (represented by its station), or a
    department for the needs it speaks for."""

    VILLAGE = "village"
    TOWNSHIP = "township"
    COUNTY = "county"
    DEPARTMENT = "department"

    @property
    def label(self) -> str:
        return {
            "village": N_("Village"),
            "township": N_("Township"),
            "county": N_("County"),
            "department": N_("Department"),
        }[self.value]


class ReportingFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    AT_END = "at_end"

    @property
    def label(self) -> str:
        return {
            "monthly": N_("Monthly"),
            "quarterly": N_("Quarterly"),
            "half_yearly": N_("Every half year"),
            "yearly": N_("Yearly"),
            "at_end": N_("Once, at the end"),
        }[self.value]


class DocumentKind(StrEnum):
    SIGNED_SCAN = "signed_scan"
    """The agreement as signed on paper, scanned: what a recorded paper signature rests on."""
    ANNEX = "annex"

    @property
    def label(self) -> str:
        return {"signed_scan": N_("Signed agreement (scan)"), "annex": N_("Annex")}[self.value]


class AgreementCounter(DefaultBase):
    """The last number given in a year: one row per year, incremented in the creating
    transaction, so numbers are gapless and concurrent creations take turns on the row."""

    __tablename__ = "agreement_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Agreement(UUIDv7AuditBase):
    __tablename__ = "agreement"
    __table_args__ = (
        Index("ix_agreement_state_year", "state", "year"),
        Index("ix_agreement_county_state", "county_code", "state"),
    )

    number: Mapped[str] = mapped_column(String(16), unique=True)
    """``ZT-<year>-<4 digits>``."""
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[TopCategory] = mapped_column(value_enum(TopCategory), index=True)
    programme: Mapped[str] = mapped_column(String(32), index=True)
    """A code of ``agreements/data/programmes.csv`` (产业兴昭, 昭才计划, …)."""
    state: Mapped[AgreementState] = mapped_column(
        value_enum(AgreementState, 24), default=AgreementState.DRAFT
    )
    organization_id: Mapped[UUID] = mapped_column(ForeignKey("organization.id"), index=True)
    recipient_kind: Mapped[RecipientKind] = mapped_column(value_enum(RecipientKind, 16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    township_code: Mapped[str | None] = mapped_column(String(12), index=True)
    """The township whose station speaks for a village or township recipient."""
    county_code: Mapped[str | None] = mapped_column(String(12))
    department_id: Mapped[UUID | None] = mapped_column(ForeignKey("department.id"), index=True)
    event_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("signing_event.id", ondelete="SET NULL"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    organization_signatory: Mapped[str] = mapped_column(String(50), default="")
    recipient_signatory: Mapped[str] = mapped_column(String(50), default="")
    organization_contact_name: Mapped[str] = mapped_column(String(50), default="")
    organization_contact_phone: Mapped[str] = mapped_column(String(30), default="")
    recipient_contact_name: Mapped[str] = mapped_column(String(50), default="")
    recipient_contact_phone: Mapped[str] = mapped_column(String(30), default="")
    """The responsible person on each side (落实专人): private to the parties and staff."""
    organization_confirmed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    organization_confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    recipient_confirmed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recipient_confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    signed_on_paper_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """The reviewer who recorded a signature made on paper (its scan is a document)."""
    completion_confirmed_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    completion_confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    terminated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    event: Mapped[SigningEvent | None] = relationship(lazy="joined")
    lines: Mapped[list[AgreementLine]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="AgreementLine.position",
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Indicator.position",
    )
    proposals: Mapped[list[AgreementProposal]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}
    """A step taken on a stale version (someone acted in between) fails instead of overwriting."""

    @property
    def proposal_ids(self) -> list[UUID]:
        return [link.proposal_id for link in self.proposals]


class AgreementProposal(UUIDv7Base):
    """An accepted proposal the agreement was made from; a proposal goes into one agreement."""

    __tablename__ = "agreement_proposal"

    agreement_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[UUID] = mapped_column(ForeignKey("proposal.id"), unique=True)

    agreement: Mapped[Agreement] = relationship(back_populates="proposals")


class AgreementLine(UUIDv7Base):
    """What the organization commits: ``amount`` in the line's unit (money in yuan, goods in
    their unit, time in person-days, purchases in theirs). Lines carried over from a proposal
    keep the need and offer lines they hold and ``covers``, the share of the need line."""

    __tablename__ = "agreement_line"

    agreement_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(value_enum(LineKind, 16))
    item: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    amount: Mapped[Decimal] = mapped_column(MONEY)
    covers: Mapped[Decimal] = mapped_column(MONEY)
    delivered: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    """How much of ``amount`` the recipient confirmed receiving (``funds.deliveries``)."""
    need_line_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("need_line.id", ondelete="SET NULL"), index=True
    )
    offer_line_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("offer_line.id", ondelete="SET NULL")
    )
    proposal_id: Mapped[UUID | None] = mapped_column(ForeignKey("proposal.id"))
    """The pairing the line was carried over from: its amounts are released with it."""

    agreement: Mapped[Agreement] = relationship(back_populates="lines")

    @property
    def amount_unit(self) -> str:
        return self.unit or self.kind.default_unit


class Indicator(UUIDv7Base):
    """A target the agreement is followed up against (e.g. 受益儿童 人 0 → 43, quarterly)."""

    __tablename__ = "agreement_indicator"

    agreement_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20), default="")
    baseline: Mapped[Decimal] = mapped_column(MONEY)
    target: Mapped[Decimal] = mapped_column(MONEY)
    frequency: Mapped[ReportingFrequency] = mapped_column(value_enum(ReportingFrequency, 16))

    agreement: Mapped[Agreement] = relationship(back_populates="indicators")


class AgreementDocument(UUIDv7Base):
    """The signed scan or an annex; the file lives under
    ``var_dir/uploads/agreements/<agreement id>/`` (``agreements.documents``)."""

    __tablename__ = "agreement_document"

    agreement_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(value_enum(DocumentKind, 16))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
