"""Pairing suggestions: the offers that best suit a need, and the needs an offer best suits.

A call never reads the whole catalogue. One indexed query keeps only the entries that could be
paired at all (published and current, the same top category or a related sub-category
(`matching.relations`), the place served, something
left to give or still lacking, no open or accepted proposal between the two, no decline
still holding between them) and stops at the
newest 150; only those are scored (`matching.scoring`), so a call costs about the same
whatever the size of the catalogue. Candidates are read as plain rows and their facts built
from them exactly as `matching.facts` builds them from entries (a test holds the two equal):
loading every candidate as a full entry would cost more than all the rest of the call. Only
the best ``k`` are loaded as entries.

The search index is not asked for text-relevant candidates: it cannot tell which offers serve
a place (city-wide ones included), so its hits would need this same query again, and one
search costs about as much as a whole call here, for a component weighing 15% by default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Organization
from accounts.policy import reviews, works_in_township
from catalogue.service import NotYours
from catalogue.workflow import EntryState
from core.clock import Clock, local_date
from core.errors import N_, FieldProblem, InvalidInput
from demand.models import Need, NeedLine
from demand.service import NeedNotFound
from matching.declines import still_declined
from matching.facts import (
    Pairings,
    lacking_worth,
    need_facts,
    offer_facts,
    remembered_words,
)
from matching.models import Proposal
from matching.offer_places import offers_at
from matching.relations import need_subcategories_for, offer_subcategories_for
from matching.repository import (
    lines_left,
    needs_served,
    open_between,
    pairings_held,
    probed,
    serves,
    within,
)
from matching.schemas import SuggestionFilters
from matching.scoring import (
    DEFAULT_WEIGHTS,
    Component,
    LineKey,
    NeedFacts,
    OfferFacts,
    Score,
    eligible,
    score,
)
from matching.track_record import TrackFacts, track_records
from regions.models import Region
from supply.models import Offer, OfferLine, offer_region
from supply.policy import offer_public, owns_offer
from supply.service import OfferNotFound

CANDIDATES = 150
"""At most this many candidates are read and scored per call, the newest first: one entry of a
city's catalogue seldom has more, and with 100,000 offers a call still stays under 30 ms
(``benchmarks/suggestions.py``)."""

Entry = TypeVar("Entry", Need, Offer)

OFFER_COLUMNS = (
    Offer.id,
    Offer.version,
    Offer.organization_id,
    Offer.category,
    Offer.subcategory_code,
    Offer.tags,
    Offer.title,
    Offer.description,
    select(func.aggregate_strings(offer_region.c.region_code, ","))
    .where(offer_region.c.offer_id == Offer.id)
    .scalar_subquery()
    .label("service_codes"),
)
NEED_COLUMNS = (
    Need.id,
    Need.version,
    Need.category,
    Need.subcategory_code,
    Need.tags,
    Need.title,
    Need.description,
    Need.region_code,
    Need.township_code,
    Need.urgency,
    Need.published_at,
    Need.created_at,
)


OFFER_SHOWN = (
    Offer.valid_until,
    Offer.capacity,
    Offer.capacity_used,
    select(Organization.name)
    .where(Organization.id == Offer.organization_id)
    .scalar_subquery()
    .label("organization_name"),
)
"""What a suggested offer shows beyond its scoring facts: read with the candidates, so the
answer needs no second query for the best ones."""
NEED_SHOWN = (
    Need.deadline,
    select(Region.full_name)
    .where(Region.code == Need.region_code)
    .scalar_subquery()
    .label("region_name"),
)


@dataclass(frozen=True, slots=True)
class Suggestion(Generic[Entry]):
    entry: Entry
    score: Score


@dataclass(frozen=True, slots=True)
class Suggestions(Generic[Entry]):
    items: list[Suggestion[Entry]]
    """The best ``k``, best first."""
    total: int
    """Candidates that passed every filter."""


def left_by_entry(rows: Iterable[Sequence[Any]]) -> dict[UUID, dict[LineKey, Decimal]]:
    """Summed per kind and unit, as `matching.facts.remaining` and `lacking` count them."""
    found: dict[UUID, dict[LineKey, Decimal]] = defaultdict(dict)
    for entry_id, kind, unit, _value, _total, left in rows:
        key = (kind.value, unit or kind.default_unit)
        found[entry_id][key] = found[entry_id].get(key, Decimal(0)) + left
    return found


def worth_by_entry(rows: Iterable[Sequence[Any]]) -> dict[UUID, dict[LineKey, Decimal]]:
    """What each need's lines still lack is worth in yuan, as `matching.facts` counts it."""
    lines: dict[UUID, list[tuple[str, str, Decimal | None, Decimal, Decimal]]] = defaultdict(list)
    for entry_id, kind, unit, value, total, left in rows:
        lines[entry_id].append((kind.value, unit or kind.default_unit, value, total, left))
    return {entry_id: lacking_worth(found) for entry_id, found in lines.items()}


def offer_facts_of_row(
    row: Row[*tuple[Any, ...]],
    left: dict[LineKey, Decimal],
    track: TrackFacts,
    words: frozenset[str] | None = None,
) -> OfferFacts:
    """An offer's facts from its row (`OFFER_COLUMNS`), as `matching.facts` builds them from
    the entry; ``words`` if already segmented."""
    return OfferFacts(
        category=row.category.value,
        subcategory=row.subcategory_code,
        tags=frozenset(row.tags or ()),
        service_codes=tuple(sorted(row.service_codes.split(","))),
        words=remembered_words.of(row) if words is None else words,
        remaining=left,
        track=track,
    )


def need_facts_of_row(
    row: Row[*tuple[Any, ...]],
    left: dict[LineKey, Decimal],
    worth: dict[LineKey, Decimal],
    held: Pairings,
    words: frozenset[str] | None = None,
) -> NeedFacts:
    """A need's facts from its row (`NEED_COLUMNS`), as `matching.facts` builds them."""
    village = held.by_region.get(row.region_code, 0)
    return NeedFacts(
        category=row.category.value,
        subcategory=row.subcategory_code,
        tags=frozenset(row.tags or ()),
        region_code=row.region_code,
        words=remembered_words.of(row) if words is None else words,
        lacking=left,
        worth=worth,
        urgency=row.urgency.value,
        published_at=row.published_at or row.created_at,
        related=offer_subcategories_for(row.subcategory_code),
        village_pairings=village,
        township_pairings=held.by_township.get(row.township_code, 0) - village,
    )


Scored = tuple[Row[*tuple[Any, ...]], Score]
"""A candidate's row (`OFFER_COLUMNS` and `OFFER_SHOWN`, or the needs' twins) and its score."""


def _ranked(scored: list[Scored], min_score: float) -> list[Scored]:
    """Those at or above the minimum, highest score first; on a tie the earlier entry (ids
    grow with time), which has waited longer."""
    kept = [pair for pair in scored if pair[1].total >= min_score]
    kept.sort(key=lambda pair: (-pair[1].total, pair[0].id))
    return kept


class SuggestionService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        weights: dict[Component, float] | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.weights = weights or dict(DEFAULT_WEIGHTS)

    async def _need(self, need_id: UUID) -> Need:
        need = await self.session.get(Need, need_id)
        if need is None:
            raise NeedNotFound(N_("No such need."))
        return need

    async def _offer(self, offer_id: UUID) -> Offer:
        offer = await self.session.get(Offer, offer_id)
        if offer is None:
            raise OfferNotFound(N_("No such offer."))
        return offer

    async def need_for(self, need_id: UUID, identity: Identity) -> Need:
        """The need, if the identity speaks for it: its township's station or a reviewer."""
        need = await self._need(need_id)
        if not (
            works_in_township(identity, need.township_code) or reviews(identity, need.category)
        ):
            raise NotYours(
                N_("Only the need's station and reviewers of its category see its suggestions.")
            )
        return need

    async def need_offered_to(self, need_id: UUID, identity: Identity) -> tuple[Need, UUID]:
        """A published need and the organization the identity speaks for: a member who found
        the need sees which of the organization's own offers suit it, to propose one."""
        need = await self._need(need_id)
        if identity.organization_id is None or need.state is not EntryState.PUBLISHED:
            raise NotYours(N_("Only members of an organization may offer to a published need."))
        return need, identity.organization_id

    async def offer_for(self, offer_id: UUID, identity: Identity) -> Offer:
        """The offer, if the identity speaks for it: its organization or a reviewer."""
        offer = await self._offer(offer_id)
        if not (owns_offer(identity, offer) or reviews(identity, offer.category)):
            raise NotYours(
                N_(
                    "Only the offer's organization and reviewers of its category see its "
                    "suggestions."
                )
            )
        return offer

    async def for_need(
        self,
        need_id: UUID,
        k: int,
        filters: SuggestionFilters,
        organization_id: UUID | None = None,
    ) -> Suggestions[Offer]:
        """The offers that best suit the need (of one organization, when named), as entries
        (for pages)."""
        best = await self.offers_ranked(need_id, filters, organization_id)
        offers = await self.session.scalars(
            select(Offer).where(Offer.id.in_([row.id for row, _ in best[:k]]))
        )
        return _suggestions(best, k, {offer.id: offer for offer in offers})

    async def offers_ranked(
        self, need_id: UUID, filters: SuggestionFilters, organization_id: UUID | None = None
    ) -> list[Scored]:
        """Every offer that may suit the need (of one organization, when named), best first,
        as rows with what they show."""
        if filters.urgency is not None:
            raise InvalidInput(
                N_("Some filters are not valid."),
                problems=[
                    FieldProblem("urgency", "not_applicable", N_("Only needs have an urgency."))
                ],
            )
        need = await self._need(need_id)
        now = self.clock()
        near = offers_at(
            need.region_code, need.category, offer_subcategories_for(need.subcategory_code)
        )
        query = select(*OFFER_COLUMNS, *OFFER_SHOWN).where(
            Offer.id.in_(list(await self.session.scalars(near))),
            offer_public(),
            Offer.valid_until >= local_date(now),
            Offer.capacity_used < Offer.capacity,
            Offer.id.not_in(
                select(Proposal.offer_id).where(
                    Proposal.need_id == need.id,
                    open_between(now) | still_declined(need.version, Offer.version),
                )
            ),
        )
        if filters.subcategory:
            query = query.where(Offer.subcategory_code == filters.subcategory)
        if filters.county:
            query = query.where(serves(within(offer_region.c.region_code, filters.county)))
        if organization_id is not None:
            query = query.where(Offer.organization_id == organization_id)
        rows = (
            await self.session.execute(
                query.order_by(Offer.published_at.desc(), Offer.id.desc()).limit(CANDIDATES)
            )
        ).all()
        left = left_by_entry(
            await self.session.execute(lines_left(OfferLine, [r.id for r in rows]))
        )
        facts = need_facts(need, await pairings_held(self.session, [need.township_code]))
        track = await track_records(self.session, {row.organization_id for row in rows})
        scored: list[Scored] = []
        for row in rows:
            about = offer_facts_of_row(row, left.get(row.id, {}), track[row.organization_id])
            if eligible(facts, about):
                scored.append((row, score(facts, about, now, self.weights)))
        return _ranked(scored, filters.min_score)

    async def for_offer(
        self, offer_id: UUID, k: int, filters: SuggestionFilters
    ) -> Suggestions[Need]:
        """The needs the offer best suits, as entries (for pages)."""
        best = await self.needs_ranked(offer_id, filters)
        needs = await self.session.scalars(
            select(Need).where(Need.id.in_([row.id for row, _ in best[:k]]))
        )
        return _suggestions(best, k, {need.id: need for need in needs})

    async def needs_ranked(self, offer_id: UUID, filters: SuggestionFilters) -> list[Scored]:
        """Every need the offer may suit, best first, as rows with what they show."""
        offer = await self._offer(offer_id)
        now = self.clock()
        query = select(*NEED_COLUMNS, *NEED_SHOWN).where(
            Need.state == EntryState.PUBLISHED,
            or_(
                Need.category == offer.category,
                Need.subcategory_code.in_(need_subcategories_for(offer.subcategory_code)),
            ),
            Need.deadline >= local_date(now),
            needs_served(offer.service_region_codes),
            probed(NeedLine.need_id == Need.id, NeedLine.sought > NeedLine.committed),
            Need.id.not_in(
                select(Proposal.need_id).where(
                    Proposal.offer_id == offer.id,
                    open_between(now) | still_declined(Need.version, offer.version),
                )
            ),
        )
        if filters.subcategory:
            query = query.where(Need.subcategory_code == filters.subcategory)
        if filters.county:
            query = query.where(Need.county_code == filters.county)
        if filters.urgency:
            query = query.where(Need.urgency == filters.urgency)
        rows = (
            await self.session.execute(
                query.order_by(Need.published_at.desc(), Need.id.desc()).limit(CANDIDATES)
            )
        ).all()
        lines = (await self.session.execute(lines_left(NeedLine, [row.id for row in rows]))).all()
        left, worth = left_by_entry(lines), worth_by_entry(lines)
        held = await pairings_held(self.session, [row.township_code for row in rows])
        track = await track_records(self.session, [offer.organization_id])
        facts = offer_facts(offer, track[offer.organization_id])
        scored: list[Scored] = []
        for row in rows:
            about = need_facts_of_row(row, left.get(row.id, {}), worth.get(row.id, {}), held)
            if eligible(about, facts):
                scored.append((row, score(about, facts, now, self.weights)))
        return _ranked(scored, filters.min_score)


def _suggestions(best: list[Scored], k: int, entries: dict[UUID, Entry]) -> Suggestions[Entry]:
    return Suggestions(
        items=[Suggestion(entries[row.id], scored) for row, scored in best[:k]],
        total=len(best),
    )
