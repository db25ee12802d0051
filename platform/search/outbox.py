"""The transactional outbox: every change to what the search index holds leaves a row here,
written in the same transaction as the change.

The rows are written by mapper events on the entry tables, not by the services, so no code
path (a review step, an edit, an import, the demo loader, a line change, an organization
renamed) can change an entry and forget the index. SQLAlchemy allows exactly this inside a
flush: SQL emitted on the flush's own connection. A row names the entry, not what to do with
it: the indexer reads the entry's current state when it drains the row, so rows can be
replayed, merged and retried without ever putting a stale document back.

Within one flush the entries touched are gathered on the connection and written as one
multi-row insert when the flush ends, one row per entry: an import of 5,000 needs and their
lines costs a handful of statements rather than 15,000, which is what kept SQLite's write lock
held long enough for a sign-in to time out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Connection, event, insert, inspect, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from accounts.models import Organization
from core.clock import utc_now
from demand.models import Need, NeedLine
from search.models import SearchOutbox
from supply.models import Offer, OfferLine

NEED = "need"
OFFER = "offer"
PENDING_KEY = "search_outbox_pending"


def outbox_rows(kind: str, entry_ids: list[UUID], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "entry_kind": kind,
            "entry_id": entry_id,
            "created_at": now,
            "available_at": now,
            "attempts": 0,
            "last_error": "",
        }
        for entry_id in entry_ids
    ]


async def enqueue(session: AsyncSession, kind: str, entry_ids: list[UUID]) -> None:
    """Queue entries whose lines changed by bulk ``UPDATE`` (committing and releasing
    amounts), which the mapper events below never see."""
    if entry_ids:
        await session.execute(insert(SearchOutbox), outbox_rows(kind, entry_ids, utc_now()))


def _enqueue(connection: Connection, kind: str, entry_id: UUID) -> None:
    """Remember the entry on the flush's connection; ``_write_pending`` writes them all."""
    connection.info.setdefault(PENDING_KEY, {})[(kind, entry_id)] = None


def _write_pending(session: Session, _flush: UOWTransaction) -> None:
    """At the end of each flush, one row per entry touched, on the flush's own connection."""
    connection = session.connection()
    pending = connection.info.pop(PENDING_KEY, None)
    if not pending:
        return
    now = utc_now()
    rows = [row for kind, entry_id in pending for row in outbox_rows(kind, [entry_id], now)]
    connection.execute(insert(SearchOutbox), rows)


def _on_need(_mapper: Mapper[Any], connection: Connection, need: Need) -> None:
    _enqueue(connection, NEED, need.id)


def _on_offer(_mapper: Mapper[Any], connection: Connection, offer: Offer) -> None:
    _enqueue(connection, OFFER, offer.id)


def _on_need_line(_mapper: Mapper[Any], connection: Connection, line: NeedLine) -> None:
    _enqueue(connection, NEED, line.need_id)


def _on_offer_line(_mapper: Mapper[Any], connection: Connection, line: OfferLine) -> None:
    _enqueue(connection, OFFER, line.offer_id)


def _on_organization(
    _mapper: Mapper[Any], connection: Connection, organization: Organization
) -> None:
    """Offers carry their organization's name, and only a verified organization's offers are
    public: a rename or a change of verification (a suspension) re-indexes them all."""
    attributes = inspect(organization).attrs
    if not (attributes.name.history.has_changes() or attributes.verification.history.has_changes()):
        return
    now = utc_now()
    offers = select(
        literal(OFFER),
        Offer.id,
        literal(now, DateTimeUTC(timezone=True)),
        literal(now, DateTimeUTC(timezone=True)),
        literal(0),
        literal(""),
    ).where(Offer.organization_id == organization.id)
    connection.execute(
        insert(SearchOutbox).from_select(
            ["entry_kind", "entry_id", "created_at", "available_at", "attempts", "last_error"],
            offers,
        )
    )


for _event in ("after_insert", "after_update", "after_delete"):
    event.listen(Need, _event, _on_need)
    event.listen(Offer, _event, _on_offer)
    event.listen(NeedLine, _event, _on_need_line)
    event.listen(OfferLine, _event, _on_offer_line)
event.listen(Organization, "after_update", _on_organization)
event.listen(Session, "after_flush", _write_pending)
