"""Progress reports on an agreement, one per reporting period, and the actual value of each
indicator they report."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.columns import MONEY, value_enum
from core.errors import N_


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    """Sent back to the organization with a reason, to be corrected and submitted again."""
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    """Its values count towards the targets."""

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    ReportState.DRAFT: N_("Draft"),
    ReportState.SUBMITTED: N_("Submitted"),
    ReportState.RETURNED: N_("Returned for correction"),
    ReportState.RESUBMITTED: N_("Submitted again"),
    ReportState.APPROVED: N_("Approved"),
}


class ProgressReport(UUIDv7AuditBase):
    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("agreement_id", "period_start", "period_end"),)

    agreement_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    """From the calendar (``outcomes.periods``); only a reviewer moves it, audited."""
    state: Mapped[ReportState] = mapped_column(
        value_enum(ReportState, 16), default=ReportState.DRAFT
    )
    narrative: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set by the daily job once the due date passed with nothing submitted; stays set, as a
    record that the report came late."""
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    """Set at the first submission: whether it came by the due date (the track record counts
    it; a resubmission after a return does not make a report late)."""
    submitted_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    approved_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    returned_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id"))
    """Who last sent the report back (its reason is ``return_reason``)."""
    returned_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}
    """A step on a stale version (someone acted in between) fails instead of overwriting."""


class IndicatorValue(UUIDv7Base):
    """The actual value of one indicator over the report's period (not cumulative)."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("report_id", "indicator_id"),)

    report_id: Mapped[UUID] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[UUID] = mapped_column(
        ForeignKey("agreement_indicator.id", ondelete="CASCADE"), index=True
    )
    actual: Mapped[Decimal] = mapped_column(MONEY)

    report: Mapped[ProgressReport] = relationship(back_populates="values")


class ReportPhoto(UUIDv7Base):
    """A photo the organization adds to its report (the class at work, the repaired road); the
    image is a file in the content store (``core.files``) named by ``sha256``."""

    __tablename__ = "report_photo"

    report_id: Mapped[UUID] = mapped_column(
        ForeignKey("progress_report.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
