"""What a signing-event plan chooses from, read with SQL: the needs and offers that may be
planned and every pair of them that could be paired at all.

One query for all the counties in scope joins their needs to the offers serving their
village, township, county or city (``offer_region.region_code``), of the same top category or
a related sub-category (`matching.relations`), and gives each pair the level of the nearest
place served; the offers, the needs and their lines are read once each. Only entries with a
candidate are turned into facts, as plain rows, never as full entries, with the words stored
for their text (`matching.terms`), so no text is cut again. Pairs an open or accepted
proposal, a decline still holding, or the event keeps as they are (dropped, added by hand
or proposed) are left out. What `scoring.eligible` requires beyond category and place
(something the offer can still give of what the need lacks) is checked when the pairs are
scored (`matching.plan_scoring`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import numpy as np
from advanced_alchemy.types import GUID
from anyio import to_thread
from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Row,
    Select,
    Uuid,
    case,
    func,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from accounts.identity import Identity
from accounts.policy import reviewed
from catalogue.workflow import EntryState
from demand.models import Need, NeedLine
from demand.policy import need_public
from matching.models import EntryTerms
from matching.relations import related_offers
from matching.repository import lines_left, pairings_held
from matching.scoring import LineKey, NeedFacts, OfferFacts
from matching.suggestions import (
    NEED_COLUMNS,
    OFFER_COLUMNS,
    left_by_entry,
    need_facts_of_row,
    offer_facts_of_row,
    worth_by_entry,
)
from matching.terms import words_of
from matching.track_record import track_records
from supply.models import Offer, OfferLine, offer_region
from supply.policy import offer_public

READS = 5
"""Statements that read the candidates, whatever the number of counties."""
STORED = (EntryTerms.checksum, EntryTerms.words)
"""An entry's stored words and the checksum of the text they were cut from (`matching.terms`)."""
Progress = Callable[[str, int, int], Awaitable[None]]
"""Told the phase, how much of it is done and of how much."""
KEY = np.dtype("S16")
"""An id's 16 bytes (big-endian, so they sort as the ids do)."""
PAIR = np.dtype([("need", KEY), ("offer", KEY), ("level", ">i4")])
"""A candidate pair as `_pairs` reads it: the need's and the offer's id and the level."""


async def no_progress(phase: str, done: int, total: int) -> None:
    """For callers that do not follow the progress."""


@dataclass(frozen=True, eq=False)
class Candidates:
    """Needs and offers with at least one candidate (in id order), and the pairs."""

    need_ids: list[UUID]
    need_counties: list[str]
    need_slots: np.ndarray
    need_facts: list[NeedFacts]
    offer_ids: list[UUID]
    offer_organizations: list[UUID]
    offer_capacity: np.ndarray
    offer_facts: list[OfferFacts]
    pair_need: np.ndarray
    pair_offer: np.ndarray
    pair_level: np.ndarray
    """The code length of the nearest place served: 12 village, 9 township, 6 county, 4 city."""


def _planned_offers(today: date) -> tuple[ColumnElement[bool], ...]:
    return (offer_public(), Offer.valid_until >= today, Offer.capacity_used < Offer.capacity)


def _planned_needs(counties: Collection[str], today: date, identity: Identity) -> tuple[Any, ...]:
    return (
        Need.county_code.in_(sorted(counties)),
        need_public(),
        Need.deadline >= today,
        reviewed(identity, Need.category),
    )


def candidate_query(
    counties: Collection[str], today: date, identity: Identity
) -> Select[UUID, UUID, Any]:
    """(need id, offer id, level of the nearest place served) for the counties' needs.

    One equi-join on ``offer_region.region_code`` per level (village, township, county,
    city), so each is an index lookup or one hash of the places served whatever the planner
    guesses; a township's own need (its place is the township) is served there at the
    township level, as `scoring.ancestors` counts it."""
    own_level = case((Need.region_code == Need.township_code, 9), else_=12)
    city = func.substr(Need.county_code, 1, 4).concat("00000000")
    served = union_all(
        *(
            select(
                Need.id.label("need_id"),
                Need.category.label("category"),
                Need.subcategory_code.label("subcategory"),
                offer_region.c.offer_id,
                level.label("level"),
            )
            .join(offer_region, offer_region.c.region_code == place)
            .where(*_planned_needs(counties, today, identity))
            for place, level in (
                (Need.region_code, own_level),
                (Need.township_code, literal(9)),
                (Need.county_code, literal(6)),
                (city, literal(4)),
            )
        )
    ).subquery()
    related = sorted(
        (need_sub, offer_sub)
        for need_sub, offers in related_offers().items()
        for offer_sub in offers
    )
    return (
        select(
            type_coerce(served.c.need_id, GUID()).label("need_id"),
            type_coerce(served.c.offer_id, GUID()).label("offer_id"),
            func.max(served.c.level).label("level"),
        )
        .join(Offer, Offer.id == served.c.offer_id)
        .where(
            Offer.state == EntryState.PUBLISHED,
            or_(
                Offer.category == served.c.category,
                tuple_(served.c.subcategory, Offer.subcategory_code).in_(related),
            ),
        )
        .group_by(served.c.need_id, served.c.offer_id)
    )


async def _pairs(connection: AsyncConnection, query: Select[UUID, UUID, Any]) -> np.ndarray:
    """The candidate pairs as `PAIR` records."""
    if connection.dialect.name == "postgresql":
        return await packed_pairs(connection, query)
    return await pairs_row_by_row(connection, query)


async def packed_pairs(connection: AsyncConnection, query: Select[UUID, UUID, Any]) -> np.ndarray:
    """The pairs packed by PostgreSQL into one value, so that hundreds of thousands of them
    cost no row, UUID or tuple apiece on the way."""
    pairs = query.subquery()
    packed = await connection.scalar(
        select(
            func.string_agg(
                func.uuid_send(pairs.c.need_id)
                .op("||")(func.uuid_send(pairs.c.offer_id))
                .op("||")(func.int4send(pairs.c.level)),
                literal(b"", LargeBinary),
                type_=LargeBinary,
            )
        )
    )
    return np.frombuffer(packed or b"", dtype=PAIR)


async def pairs_row_by_row(
    connection: AsyncConnection, query: Select[UUID, UUID, Any]
) -> np.ndarray:
    """The pairs from rows: on SQLite, and as the yardstick of `packed_pairs` in tests."""
    rows = await connection.execute(query)
    return np.array(
        [(need_id.bytes, offer_id.bytes, level) for need_id, offer_id, level in rows],
        dtype=PAIR,
    )


def _keys(ids: Sequence[UUID]) -> np.ndarray:
    """Ids as 16-byte strings, which sort as the ids do."""
    return np.array([entry_id.bytes for entry_id in ids], dtype=KEY)


def _positions(known: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each key is in the sorted ``known`` keys; -1 where it is not there."""
    at = np.searchsorted(known, keys)
    if not len(known):
        return np.full(len(keys), -1, dtype=np.int64)
    found = known[np.minimum(at, len(known) - 1)] == keys
    return np.where(found, at, -1)


@asynccontextmanager
async def _pairs_of(
    session: AsyncSession, query: Select[UUID, UUID, Any]
) -> AsyncIterator[Callable[[], Awaitable[np.ndarray]]]:
    """How to get the pairs. On PostgreSQL, with a session of an engine, they are read at once
    on a connection of their own, so that the database makes them (the longest statement of
    a province's plan) while this process reads the entries; elsewhere (SQLite serves a
    file, and a test's session has one connection) they are read when asked, last, on the
    session's connection."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":

        async def last() -> np.ndarray:
            return await _pairs(await session.connection(), query)

        yield last
        return

    async def beside() -> np.ndarray:
        async with engine.connect() as connection:
            return await _pairs(connection, query)

    reading = asyncio.create_task(beside())

    async def read() -> np.ndarray:
        return await reading

    try:
        yield read
    finally:
        reading.cancel()


async def _rows(
    connection: AsyncConnection, query: Select[*tuple[Any, ...]]
) -> Sequence[Row[*tuple[Any, ...]]]:
    """The query's rows, its ids read as plain ``Uuid`` on PostgreSQL: the driver hands out
    UUID objects that the GUID type passes on unchanged, but one call apiece (about a second
    for the 330,000 ids a province's plan reads)."""
    if connection.dialect.name == "postgresql":
        query = query.with_only_columns(
            *(
                type_coerce(column, Uuid()).label(column.key)
                if isinstance(column.type, GUID)
                else column
                for column in query.selected_columns
            ),
            maintain_column_froms=True,
        )
    return (await connection.execute(query)).all()


async def _offers(
    connection: AsyncConnection, today: date, busy: Counter[UUID]
) -> tuple[dict[UUID, Row[Any]], dict[UUID, int], dict[UUID, dict[LineKey, Decimal]]]:
    """Offers that may be planned, with the capacity they have left beside open proposals,
    their stored words, and what their lines still offer."""
    planned = _planned_offers(today)
    rows = await _rows(
        connection,
        select(*OFFER_COLUMNS, Offer.capacity, Offer.capacity_used, *STORED)
        .outerjoin(EntryTerms, EntryTerms.entry_id == Offer.id)
        .where(*planned),
    )
    found, capacity = {}, {}
    for row in rows:
        left = row.capacity - row.capacity_used - busy.get(row.id, 0)
        if left > 0:
            found[row.id], capacity[row.id] = row, left
    lines = await _rows(connection, lines_left(OfferLine, select(Offer.id).where(*planned)))
    return found, capacity, left_by_entry(lines)


async def gather(
    session: AsyncSession,
    *,
    counties: Collection[str],
    today: date,
    identity: Identity,
    waiting: Counter[UUID],
    busy: Counter[UUID],
    taken: set[tuple[UUID, UUID]],
    progress: Progress = no_progress,
) -> Candidates:
    """``waiting``: pairings per need already held open (they use its slots); ``busy``: per
    offer (they use its capacity); ``taken``: pairs never to be planned.

    One statement each reads the offers, their lines, the counties' needs, their lines and
    the candidate pairs, whatever the number of counties; progress counts the statements.
    Rows go through the connection, not the ORM session: they are plain columns, and the
    session's row handling cost a province's plan about a second. The connection is asked
    for after each report of progress, which may commit (and give the connection back)."""
    query = candidate_query(counties, today, identity)
    async with _pairs_of(session, query) as pairs:
        await progress("reading", 0, READS)
        offers, capacity, offer_left = await _offers(await session.connection(), today, busy)
        await progress("reading", 2, READS)
        planned = _planned_needs(counties, today, identity)
        lines = await _rows(
            await session.connection(),
            select(
                NeedLine.need_id,
                NeedLine.kind,
                NeedLine.unit,
                NeedLine.value,
                NeedLine.sought,
                NeedLine.sought - NeedLine.committed,
            )
            .join(Need, Need.id == NeedLine.need_id)
            .where(*planned, NeedLine.sought > NeedLine.committed),
        )
        left = left_by_entry(lines)
        await progress("reading", 3, READS)
        need_rows: dict[UUID, Row[Any]] = {
            row.id: row
            for row in await _rows(
                await session.connection(),
                select(*NEED_COLUMNS, Need.county_code, *STORED)
                .outerjoin(EntryTerms, EntryTerms.entry_id == Need.id)
                .where(*planned),
            )
            if len(left.get(row.id, ())) > waiting.get(row.id, 0)
        }
        await progress("reading", 4, READS)
        found = await pairs()
        await progress("reading", READS, READS)
        open_needs, open_offers = sorted(need_rows), sorted(offers)
        needs_at, offers_at, pair_need, pair_offer, pair_level = matched_pairs(
            found, open_needs, open_offers, taken
        )
        need_ids = [open_needs[index] for index in needs_at.tolist()]
        chosen_offers = [offers[open_offers[index]] for index in offers_at.tolist()]
        wanted = set(need_ids)
        held_places = await pairings_held(session, {need_rows[n].township_code for n in need_ids})
        track = await track_records(session, {row.organization_id for row in chosen_offers})
        worth = worth_by_entry(line for line in lines if line[0] in wanted)

        def facts() -> tuple[list[NeedFacts], list[OfferFacts]]:
            """Off the event loop: cutting the text of entries without stored words is slow."""
            return [
                need_facts_of_row(
                    row,
                    left[row.id],
                    worth.get(row.id, {}),
                    held_places,
                    words_of(row.title, row.description, row.checksum, row.words),
                )
                for row in (need_rows[need_id] for need_id in need_ids)
            ], [
                offer_facts_of_row(
                    row,
                    offer_left.get(row.id, {}),
                    track[row.organization_id],
                    words_of(row.title, row.description, row.checksum, row.words),
                )
                for row in chosen_offers
            ]

        need_facts, offer_facts = await to_thread.run_sync(facts)
        return Candidates(
            need_ids=need_ids,
            need_counties=[need_rows[need_id].county_code for need_id in need_ids],
            need_slots=np.array(
                [len(left[need_id]) - waiting.get(need_id, 0) for need_id in need_ids],
                dtype=np.int64,
            ),
            need_facts=need_facts,
            offer_ids=[row.id for row in chosen_offers],
            offer_organizations=[row.organization_id for row in chosen_offers],
            offer_capacity=np.array([capacity[row.id] for row in chosen_offers], dtype=np.int64),
            offer_facts=offer_facts,
            pair_need=pair_need,
            pair_offer=pair_offer,
            pair_level=pair_level,
        )


def matched_pairs(
    found: np.ndarray, need_ids: list[UUID], offer_ids: list[UUID], taken: set[tuple[UUID, UUID]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (`PAIR` records) between the sorted ids given, less those ``taken``: which of
    the needs and of the offers have one (positions in the ids, ascending), and each pair's
    need and offer (indices into those) and level, ordered by need and offer so that ties
    between equal scores fall the same way on every run."""
    need_keys, offer_keys = _keys(need_ids), _keys(offer_ids)
    need_at = _positions(need_keys, found["need"])
    offer_at = _positions(offer_keys, found["offer"])
    keep = (need_at >= 0) & (offer_at >= 0)
    if taken:
        held = list(taken)
        held_need = _positions(need_keys, _keys([need_id for need_id, _ in held]))
        held_offer = _positions(offer_keys, _keys([offer_id for _, offer_id in held]))
        known = (held_need >= 0) & (held_offer >= 0)
        width = len(offer_ids)
        keep &= ~np.isin(need_at * width + offer_at, held_need[known] * width + held_offer[known])
    needs_at, pair_need = np.unique(need_at[keep], return_inverse=True)
    offers_at, pair_offer = np.unique(offer_at[keep], return_inverse=True)
    order = np.lexsort((pair_offer, pair_need))
    return (
        needs_at,
        offers_at,
        pair_need[order].astype(np.int64),
        pair_offer[order].astype(np.int64),
        found["level"][keep][order].astype(np.int64),
    )
