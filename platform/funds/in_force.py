"""The ledger's rule of an entry in force (``funds.ledger``) as SQL conditions, for the queries
that judge entries in the database instead of loading them: the monitoring figures and their
check, and the follow-up's alert counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import aliased

from funds.models import EntryType, LedgerEntry


def not_reversed(entry: type[LedgerEntry], before: datetime | None = None) -> ColumnElement[bool]:
    """No reversal names the entry (none booked before ``before``, for the ledger as it stood
    then). A reversal belongs to the agreement of the entry it cancels (``funds.ledger``), so
    the lookup runs on the agreement's index, not the table."""
    reversal = aliased(LedgerEntry)
    booked = [] if before is None else [reversal.created_at < before]
    return ~exists().where(
        reversal.agreement_id == entry.agreement_id,
        reversal.entry_type == EntryType.REVERSAL,
        reversal.reverses_id == entry.id,
        *booked,
    )


def in_force(entry: type[LedgerEntry]) -> ColumnElement[bool]:
    """Neither a reversal nor reversed."""
    return and_(entry.entry_type != EntryType.REVERSAL, not_reversed(entry))
