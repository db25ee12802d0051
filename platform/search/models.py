"""The search package's tables: the outbox of index changes and the expiry sweep's mark."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from advanced_alchemy.base import DefaultBase
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import BigInteger, Date, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column


class SearchOutbox(DefaultBase):
    __tablename__ = "search_outbox"
    __table_args__ = (
        Index(
            "ix_search_outbox_pending",
            "available_at",
            postgresql_where=text("processed_at IS NULL"),
            sqlite_where=text("processed_at IS NULL"),
        ),
        Index("ix_search_outbox_processed", "processed_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    """Ascending: the order changes were committed in (near enough to drain by)."""
    entry_kind: Mapped[str] = mapped_column(String(8))
    entry_id: Mapped[UUID] = mapped_column(GUID)
    """The same storage as the entries' keys (a rename copies them with INSERT … SELECT)."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    available_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """Not drained before this moment: set forward after a failure (backoff)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """A worker holds the row until then; a worker that dies lets it go when this passes."""
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    """The claim's token: only the claim that still holds a row may mark it processed."""
    processed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ExpirySweep(DefaultBase):
    """One row: the last China-calendar day whose deadlines have been swept into the outbox.

    An entry past its deadline shows as expired without any write, so nothing would tell the
    index; the indexer sweeps each new day's expiries once, across restarts and workers."""

    __tablename__ = "search_expiry_sweep"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    swept_through: Mapped[date] = mapped_column(Date)
