"""What a signing-event plan chooses from, read with SQL: the needs and offers that may be
planned and every pair of them that could be paired at all.

One query for all the counties in scope joins their needs to the offers serving their
village, township, county or city (``offer_region.region_code``), of the same top category or
a related sub-category (`matching.relations`), and gives each pair the level of the nearest
place served; the offers, the needs and their lines are read once each. Only entries with a
candidate are turned into facts, as plain rows, never as full entries, with the words stored
for their text (`matching.terms`), so no text is cut again. Pairs an open or accepted
proposal, a decline still holding, or the event itself already hold are left out. What
`scoring.eligible` requires beyond category and place (something the offer can still give of
what the need lacks) is checked when the pairs are scored (`matching.plan_scoring`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np
from advanced_alchemy.types import GUID
from anyio import to_thread
from sqlalchemy import (
    ColumnElement,
    Result,
    Row,
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
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.types import TypeEngine

from accounts.identity import Identity
from accounts.policy import reviewed
from catalogue.workflow import EntryState
from demand.models import Need, NeedLine
from demand.policy import need_public
from matching.models import EntryTerms
from matching.relations import related_offers
from matching.repository import lines_left, pairings_held
from matching.scoring import NeedFacts, OfferFacts
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

BATCH = 10_000
"""Ids per statement."""
READS = 4
"""Statements that read the candidates, whatever the number of counties."""
STORED = (EntryTerms.checksum, EntryTerms.words)
"""An entry's stored words and the checksum of the text they were cut from (`matching.terms`)."""
Progress = Callable[[str, int, int], Awaitable[None]]
"""Told the phase, how much of it is done and of how much."""


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
    counties: Collection[str], today: date, identity: Identity, ids: TypeEngine[UUID] | None = None
) -> Any:
    """(need id, offer id, level of the nearest place served) for the counties' needs, the
    ids read as ``ids`` (`_ids_of`).

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
            type_coerce(served.c.need_id, ids or GUID()),
            type_coerce(served.c.offer_id, ids or GUID()),
            func.max(served.c.level),
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


def _ids_of(connection: AsyncConnection) -> TypeEngine[UUID]:
    """How to read the ids of hundreds of thousands of pairs: PostgreSQL's driver hands out
    its own UUID objects, which the GUID type passes on unchanged but one call at a time (a
    second and more per million ids); read as a plain ``Uuid`` they skip the call."""
    return Uuid() if connection.dialect.name == "postgresql" else GUID()


async def _offers(
    session: AsyncSession, today: date, busy: Counter[UUID]
) -> tuple[dict[UUID, Row[Any]], dict[UUID, int]]:
    """Offers that may be planned, with the capacity they have left beside open proposals,
    and their stored words."""
    rows = await session.execute(
        select(*OFFER_COLUMNS, Offer.capacity, Offer.capacity_used, *STORED)
        .outerjoin(EntryTerms, EntryTerms.entry_id == Offer.id)
        .where(*_planned_offers(today))
    )
    found, capacity = {}, {}
    for row in rows:
        left = row.capacity - row.capacity_used - busy.get(row.id, 0)
        if left > 0:
            found[row.id], capacity[row.id] = row, left
    return found, capacity


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

    One statement each reads the offers, the counties' needs, their lines and the candidate
    pairs, whatever the number of counties; progress counts the statements."""
    await progress("reading", 0, READS)
    offers, capacity = await _offers(session, today, busy)
    await progress("reading", 1, READS)
    lines = (
        await session.execute(
            select(
                NeedLine.need_id,
                NeedLine.kind,
                NeedLine.unit,
                NeedLine.value,
                NeedLine.sought,
                NeedLine.sought - NeedLine.committed,
            )
            .join(Need, Need.id == NeedLine.need_id)
            .where(*_planned_needs(counties, today, identity), NeedLine.sought > NeedLine.committed)
        )
    ).all()
    lacking = left_by_entry(lines)
    open_slots = {
        need_id: len(left) - waiting.get(need_id, 0)
        for need_id, left in lacking.items()
        if len(left) > waiting.get(need_id, 0)
    }
    await progress("reading", 2, READS)
    connection = await session.connection()
    found = await connection.execute(
        candidate_query(counties, today, identity, _ids_of(connection))
    )
    pairs = [
        (need_id, offer_id, level)
        for need_id, offer_id, level in found
        if need_id in open_slots and offer_id in offers
    ]
    if taken:
        pairs = [pair for pair in pairs if (pair[0], pair[1]) not in taken]
    await progress("reading", 3, READS)
    wanted = {need_id for need_id, _, _ in pairs}
    rows: Result[Any] = await session.execute(
        select(*NEED_COLUMNS, Need.county_code, *STORED)
        .outerjoin(EntryTerms, EntryTerms.entry_id == Need.id)
        .where(*_planned_needs(counties, today, identity))
    )
    need_rows: dict[UUID, Row[Any]] = {row.id: row for row in rows if row.id in wanted}
    need_lines = [line for line in lines if line[0] in wanted]
    slots = {need_id: open_slots[need_id] for need_id in wanted}
    await progress("reading", READS, READS)
    return await _facts(session, need_rows, need_lines, slots, offers, capacity, pairs)


async def _facts(
    session: AsyncSession,
    need_rows: dict[UUID, Row[Any]],
    need_lines: list[Any],
    slots: dict[UUID, int],
    offers: dict[UUID, Row[Any]],
    capacity: dict[UUID, int],
    pairs: list[tuple[UUID, UUID, int]],
) -> Candidates:

    need_ids = sorted(need_rows)
    offer_ids = sorted({offer_id for _, offer_id, _ in pairs})
    need_index = {need_id: index for index, need_id in enumerate(need_ids)}
    offer_index = {offer_id: index for index, offer_id in enumerate(offer_ids)}
    held = await pairings_held(session, {row.township_code for row in need_rows.values()})
    left, worth = left_by_entry(need_lines), worth_by_entry(need_lines)
    offer_left = await _offer_lines(session, offer_ids)
    track = await track_records(session, {offers[o].organization_id for o in offer_ids})

    def facts() -> tuple[list[NeedFacts], list[OfferFacts]]:
        """Off the event loop: cutting the text of entries without stored words is slow."""
        return [
            need_facts_of_row(
                row,
                left.get(row.id, {}),
                worth.get(row.id, {}),
                held,
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
            for row in (offers[offer_id] for offer_id in offer_ids)
        ]

    need_facts, offer_facts = await to_thread.run_sync(facts)
    return Candidates(
        need_ids=need_ids,
        need_counties=[need_rows[need_id].county_code for need_id in need_ids],
        need_slots=np.array([slots[need_id] for need_id in need_ids], dtype=np.int64),
        need_facts=need_facts,
        offer_ids=offer_ids,
        offer_organizations=[offers[offer_id].organization_id for offer_id in offer_ids],
        offer_capacity=np.array([capacity[o] for o in offer_ids], dtype=np.int64),
        offer_facts=offer_facts,
        pair_need=np.array([need_index[n] for n, _, _ in pairs], dtype=np.int64),
        pair_offer=np.array([offer_index[o] for _, o, _ in pairs], dtype=np.int64),
        pair_level=np.array([level for _, _, level in pairs], dtype=np.int64),
    )


async def _offer_lines(session: AsyncSession, offer_ids: list[UUID]) -> dict[UUID, Any]:
    """What the offers' lines still offer, read in batches (PostgreSQL takes at most 32,767
    parameters a statement)."""
    rows: list[Any] = []
    for start in range(0, len(offer_ids), BATCH):
        rows.extend(await session.execute(lines_left(OfferLine, offer_ids[start : start + BATCH])))
    return left_by_entry(rows)
