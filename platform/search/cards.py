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
from search.backend import SearchHit
from supply.models import Offer
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
    """The facts of each hit still public, by the hit's id (``need:<uuid>``)."""
    facts: dict[str, CardFacts] = {}
    if need_ids := _ids(hits, "need"):
        needs = await session.scalars(select(Need).where(Need.id.in_(need_ids), need_public()))
        for need in needs.unique():
            facts[f"need:{need.id}"] = CardFacts(
                place=_place(need.region.full_name),
                more_places=0,
                urgency=need.urgency,
                published=need.published_at and local_date(need.published_at),
                deadline=need.deadline,
            )
    if offer_ids := _ids(hits, "offer"):
        offers = await session.scalars(select(Offer).where(Offer.id.in_(offer_ids), offer_public()))
        for offer in offers.unique():
            regions = offer.service_regions
            facts[f"offer:{offer.id}"] = CardFacts(
                place=_place(regions[0].full_name) if regions else "",
                more_places=max(len(regions) - 1, 0),
                urgency=None,
                published=offer.published_at and local_date(offer.published_at),
                deadline=offer.valid_until,
            )
    return facts
