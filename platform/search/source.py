"""What the index should hold, read from the database: the truth the indexer copies.

Only what anyone may read is searchable (``need_open``, ``offer_public``: published entries,
an expired one shown as expired, no need whose every line is committed, and no offer of a
suspended organization); anything else means
"not in the index", so a withdrawn, closed or deleted entry, or a suspended organization's
offer, is removed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from demand.models import Need
from demand.policy import need_open
from search.documents import SearchDocument, document_of_need, document_of_offer
from search.outbox import NEED, OFFER
from supply.models import Offer
from supply.policy import offer_public

REBUILD_BATCH = 500


def _document_id(kind: str, entry_id: UUID) -> str:
    return f"{kind}:{entry_id}"


async def indexable_count(session: AsyncSession) -> int:
    """How many documents a complete index holds: the entries anyone may read."""
    total = 0
    for model, public in ((Need, need_open()), (Offer, offer_public())):
        query = select(func.count()).select_from(model).where(public)
        total += await session.scalar(query) or 0
    return total


async def documents_for(
    session: AsyncSession, keys: Iterable[tuple[str, UUID]], today: date
) -> tuple[list[SearchDocument], list[str]]:
    """The documents to upsert for the named entries, and the ids to delete (every entry that
    is not published, including those that no longer exist)."""
    wanted = set(keys)
    need_ids = [entry_id for kind, entry_id in wanted if kind == NEED]
    offer_ids = [entry_id for kind, entry_id in wanted if kind == OFFER]
    documents: list[SearchDocument] = []
    if need_ids:
        needs = await session.scalars(select(Need).where(Need.id.in_(need_ids), need_open()))
        documents += [document_of_need(need, today) for need in needs.unique()]
    if offer_ids:
        offers = await session.scalars(select(Offer).where(Offer.id.in_(offer_ids), offer_public()))
        documents += [document_of_offer(offer, today) for offer in offers.unique()]
    kept = {document.id for document in documents}
    removed = [
        _document_id(kind, entry_id)
        for kind, entry_id in wanted
        if _document_id(kind, entry_id) not in kept
    ]
    return documents, removed


async def all_documents(
    session_maker: async_sessionmaker[AsyncSession], today: date
) -> AsyncIterator[list[SearchDocument]]:
    """Every published entry as documents, in batches read by key (no OFFSET scans), each
    batch in a short session of its own so a long rebuild holds no transaction open."""
    kinds = ((Need, need_open(), document_of_need), (Offer, offer_public(), document_of_offer))
    for model, public, build in kinds:
        after: UUID | None = None
        while True:
            query = select(model).where(public)
            if after is not None:
                query = query.where(model.id > after)
            async with session_maker() as session:
                entries = list(
                    (await session.scalars(query.order_by(model.id).limit(REBUILD_BATCH))).unique()
                )
                batch = [build(entry, today) for entry in entries]  # type: ignore[arg-type]
            if not entries:
                break
            yield batch
            after = entries[-1].id
