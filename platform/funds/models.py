"""The ledger entry: one line appended to an agreement's ledger, never changed or deleted (the
database refuses both, see migration 0016); a correction is a reversal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.categories import TopCategory
from core.columns import MONEY, value_enum
from core.errors import N_


class EntryType(StrEnum):
    """Modelled on the IATI transaction types."""

    COMMITMENT = "commitment"
    DISBURSEMENT = "disbursement"
    RECEIPT_CONFIRMATION = "receipt_confirmation"
    RECEIPT_DISPUTE = "receipt_dispute"
    EXPENDITURE = "expenditure"
    REFUND = "refund"
    REVERSAL = "reversal"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    EntryType.COMMITMENT: N_("Commitment"),
    EntryType.DISBURSEMENT: N_("Disbursement"),
    EntryType.RECEIPT_CONFIRMATION: N_("Receipt confirmed"),
    EntryType.RECEIPT_DISPUTE: N_("Receipt disputed"),
    EntryType.EXPENDITURE: N_("Expenditure"),
    EntryType.REFUND: N_("Refund"),
    EntryType.REVERSAL: N_("Reversal"),
}


class SpendCategory(StrEnum):
    """What an expenditure paid for, as the pages offer it. The API takes any text, so a
    category outside this list is shown as it was written."""

    MATERIALS = "materials"
    LABOUR = "labour"
    TRAINING = "training"
    TRANSPORT = "transport"
    PUBLICITY = "publicity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _SPEND_LABELS[self]


_SPEND_LABELS = {
    SpendCategory.MATERIALS: N_("Materials and supplies"),
    SpendCategory.LABOUR: N_("Labour"),
    SpendCategory.TRAINING: N_("Training"),
    SpendCategory.TRANSPORT: N_("Transport"),
    SpendCategory.PUBLICITY: N_("Publicity"),
    SpendCategory.OTHER: N_("Other"),
}


def spend_label(value: str) -> str:
    """The gettext id of a listed category, or the text as it was recorded."""
    try:
        return SpendCategory(value).label
    except ValueError:
        return value


class LedgerEntry(UUIDv7Base):
    """``amount`` is yuan: the money itself, or for goods the estimated value of ``quantity``
    ``unit``; a confirmation, dispute or reversal carries the amount of the entry it names."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("agreement_id", "sequence", name="uq_ledger_entry_sequence"),
        Index("ix_ledger_entry_agreement_created_at", "agreement_id", "created_at"),
    )
    """The second index finds an agreement's entries by when they were booked (the review's
    stalled agreements)."""

    agreement_id: Mapped[UUID] = mapped_column(ForeignKey("agreement.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    """1, 2, 3 … per agreement: the order of the hash chain."""
    entry_type: Mapped[EntryType] = mapped_column(value_enum(EntryType, 24))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    quantity: Mapped[Decimal | None] = mapped_column(MONEY)
    unit: Mapped[str] = mapped_column(String(20), default="")
    spend_category: Mapped[str] = mapped_column(String(50), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[UUID | None] = mapped_column(ForeignKey("ledger_entry.id"))
    confirms_id: Mapped[UUID | None] = mapped_column(ForeignKey("ledger_entry.id"))
    """The disbursement a confirmation or dispute answers."""
    actor_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    content_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64), default="")
    """The previous entry's ``content_hash``; empty for the first entry of an agreement."""


FIGURES = ("committed", "disbursed", "confirmed", "spent")
"""The money figures the monitoring reports, in yuan."""


class MoneyFigures:
    """The four figures the monitoring sums, in yuan, as ``funds.ledger.balance`` has them."""

    committed: Mapped[Decimal] = mapped_column(MONEY)
    disbursed: Mapped[Decimal] = mapped_column(MONEY)
    confirmed: Mapped[Decimal] = mapped_column(MONEY)
    spent: Mapped[Decimal] = mapped_column(MONEY)


class AgreementMoney(MoneyFigures, UUIDv7Base):
    """An agreement's money in force, kept by ``funds.summary`` in each append's transaction."""

    __tablename__ = "agreement_money"

    agreement_id: Mapped[UUID] = mapped_column(ForeignKey("agreement.id"), unique=True)


class MonthMoney(MoneyFigures, UUIDv7Base):
    """The same figures of one agreement booked in one calendar month in China (``YYYY-MM``):
    an entry counts in the month it was booked, a confirmation in its own month."""

    __tablename__ = "agreement_month_money"
    __table_args__ = (
        UniqueConstraint("agreement_id", "month", name="uq_agreement_month_money_month"),
    )

    agreement_id: Mapped[UUID] = mapped_column(ForeignKey("agreement.id"))
    month: Mapped[str] = mapped_column(String(7))


class MonthRollup(MoneyFigures, DefaultBase):
    """The month rows of the agreements signed or later summed per month and per the
    agreement's year, county (empty without one), category and programme, kept in the
    transaction of each append and termination (``funds.rollup``): the money by month reads a
    few rows per month instead of one per agreement and month."""

    __tablename__ = "month_money_rollup"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    category: Mapped[TopCategory] = mapped_column(value_enum(TopCategory), primary_key=True)
    programme: Mapped[str] = mapped_column(String(32), primary_key=True)


class OpenItemKind(StrEnum):
    """What a ledger entry still waits for."""

    UNANSWERED = "unanswered"
    """A disbursement in force the recipient has neither confirmed nor disputed."""
    UNEVIDENCED = "unevidenced"
    """An expenditure in force recorded without its evidence."""


class LedgerOpenItem(UUIDv7Base):
    """An entry of an agreement's ledger that still waits for something, kept by
    ``funds.summary`` in each append's transaction so that the follow-up counts its alerts from
    these few rows instead of judging a million entries."""

    __tablename__ = "ledger_open_item"
    __table_args__ = (Index("ix_ledger_open_item_kind_recorded_at", "kind", "recorded_at"),)

    agreement_id: Mapped[UUID] = mapped_column(ForeignKey("agreement.id"), index=True)
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    kind: Mapped[OpenItemKind] = mapped_column(value_enum(OpenItemKind, 16))
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """When the entry was recorded: the waiting began then."""
