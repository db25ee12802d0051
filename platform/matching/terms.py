"""The segmented words of every need's and offer's text, stored beside the entries.

Cutting Chinese text into words was most of what turning a province's entries into facts cost
(about 40 µs an entry: 4 s for 100,000 needs and offers), and an entry's text seldom changes.
Mapper events on the entry tables store the words in the flush that writes the text, as the
search outbox does, so no code path (an edit, an import, the demo loader) can forget them. A
checksum of the text goes with them: words cut from another text (one changed by a bulk
``UPDATE``) are never used, `words_of` cuts the text afresh instead. Entries written by bulk
inserts, or before the table existed, get theirs from `store_missing`
(``xiangxing matching store-terms``); until then they are cut when read, as before.
"""

from __future__ import annotations

import zlib
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, event, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstanceState, Mapper, Session, UOWTransaction

from demand.models import Need
from matching.facts import entry_words
from matching.models import EntryTerms
from supply.models import Offer

PENDING_KEY = "entry_terms_pending"
BATCH = 10_000
"""Ids per statement (PostgreSQL takes at most 32,767 parameters a statement)."""


def checksum(title: str, description: str) -> int:
    return zlib.crc32(f"{title}\n{description}".encode())


def terms_row(entry_id: UUID, title: str, description: str) -> dict[str, Any]:
    words = entry_words(title, description)
    return {
        "entry_id": entry_id,
        "checksum": checksum(title, description),
        "words": " ".join(sorted(words)),
    }


def words_of(
    title: str, description: str, stored_checksum: int | None, stored_words: str | None
) -> frozenset[str]:
    """The stored words when they were cut from this very text, else the text cut now."""
    if stored_words is not None and stored_checksum == checksum(title, description):
        return frozenset(stored_words.split())
    return entry_words(title, description)


def _replace(connection: Connection, texts: dict[UUID, tuple[str, str] | None]) -> None:
    """Delete the entries' stored words and store those of their texts (None: deleted)."""
    ids = list(texts)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        connection.execute(delete(EntryTerms).where(EntryTerms.entry_id.in_(chunk)))
    rows = [terms_row(entry_id, *text) for entry_id, text in texts.items() if text is not None]
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(EntryTerms), rows[start : start + BATCH])


def _on_write(_mapper: Mapper[Any], connection: Connection, entry: Need | Offer) -> None:
    """Remember an entry whose text was written; ``_write_pending`` stores its words."""
    state: InstanceState[Need | Offer] = inspect(entry)
    attributes = state.attrs
    if attributes.title.history.has_changes() or attributes.description.history.has_changes():
        pending = connection.info.setdefault(PENDING_KEY, {})
        pending[entry.id] = (entry.title, entry.description or "")


def _on_delete(_mapper: Mapper[Any], connection: Connection, entry: Need | Offer) -> None:
    connection.info.setdefault(PENDING_KEY, {})[entry.id] = None


def _write_pending(session: Session, _flush: UOWTransaction) -> None:
    pending = session.connection().info.pop(PENDING_KEY, None)
    if pending:
        _replace(session.connection(), pending)


async def store_missing(session: AsyncSession) -> int:
    """Store the words of every entry whose words are missing or were cut from another text;
    returns how many were stored."""
    stale: dict[UUID, tuple[str, str] | None] = {}
    for model in (Need, Offer):
        rows = await session.execute(
            select(model.id, model.title, model.description, EntryTerms.checksum).outerjoin(
                EntryTerms, EntryTerms.entry_id == model.id
            )
        )
        stale.update(
            (entry_id, (title, description))
            for entry_id, title, description, stored in rows
            if stored != checksum(title, description)
        )
    connection = await session.connection()
    await connection.run_sync(lambda sync: _replace(sync, stale))
    return len(stale)


for _model in (Need, Offer):
    event.listen(_model, "after_insert", _on_write)
    event.listen(_model, "after_update", _on_write)
    event.listen(_model, "after_delete", _on_delete)
event.listen(Session, "after_flush", _write_pending)
