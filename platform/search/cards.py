"""What a result card shows besides the title and excerpt: the place (county and township),
a need's urgency and the dates, read from the database for the hits of one page.

The index answers which entries match; the place, flag and dates come from the entries
themselves (two queries by id, through the same public statements the index is built from),
so a card never shows a stale place and the engines keep their documents as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import local_date
from demand.models import Need, Urgency
from demand.policy import need_public
from regions.models import Region
from search.backend import SearchHit
from supply.models import Offer, offer_region
from supply.policy import offer_public

PLACE_DEPTH = 2
"""County and township: the village is on the entry's own page."""


@dataclass(frozen=True, slots=True)
class CardFacts:
    place: str
    """镇雄县 · 以勒镇; an offer: its first service region, and how many more."""
    more_places: int
    urgency: Urgency | None
    published: date | None
    deadline: date
    """A need's deadline; the last day an offer is valid."""


def _place(full_name: str) -> str:
    return " · ".join(full_name.split("/")[:PLACE_DEPTH])


def _ids(hits: Iterable[SearchHit], kind: str) -> list[UUID]:
    return [UUID(hit.entry_id) for hit in hits if hit.kind == kind]


async def card_facts(session: AsyncSession, hits: list[SearchHit]) -> dict[str, CardFacts]:
    """The facts of each hit still public, by the hit's id (``need:<uuid>``): the few columns a
    card shows, never the entries with their lines."""
    facts: dict[str, CardFacts] = {}
    if need_ids := _ids(hits, "need"):
        needs = await session.execute(
            select(Need.id, Region.full_name, Need.urgency, Need.published_at, Need.deadline)
            .join(Region, Region.code == Need.region_code)
            .where(Need.id.in_(need_ids), need_public())
        )
        for need_id, full_name, urgency, published_at, deadline in needs:
            facts[f"need:{need_id}"] = CardFacts(
                place=_place(full_name),
                more_places=0,
                urgency=urgency,
                published=published_at and local_date(published_at),
                deadline=deadline,
            )
    if offer_ids := _ids(hits, "offer"):
        offers = list(
            await session.execute(
                select(Offer.id, Offer.published_at, Offer.valid_until).where(
                    Offer.id.in_(offer_ids), offer_public()
                )
            )
        )
        places = await _served_places(session, [offer.id for offer in offers])
        for offer_id, published_at, valid_until in offers:
            served = places.get(offer_id, [])
            facts[f"offer:{offer_id}"] = CardFacts(
                place=_place(served[0]) if served else "",
                more_places=max(len(served) - 1, 0),
                urgency=None,
                published=published_at and local_date(published_at),
                deadline=valid_until,
            )
    return facts


async def _served_places(session: AsyncSession, offer_ids: list[UUID]) -> dict[UUID, list[str]]:
    """The full names of the divisions each offer serves, in code order."""
    places: dict[UUID, list[str]] = {}
    if offer_ids:
        rows = await session.execute(
            select(offer_region.c.offer_id, Region.full_name)
            .join(Region, Region.code == offer_region.c.region_code)
            .where(offer_region.c.offer_id.in_(offer_ids))
            .order_by(offer_region.c.offer_id, Region.code)
        )
        for offer_id, full_name in rows:
            places.setdefault(offer_id, []).append(full_name)
    return places
