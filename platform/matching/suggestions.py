"""Pairing suggestions: the offers that best suit a need, and the needs an offer best suits.

A call never reads the whole catalogue. One indexed query keeps only the entries that could be
paired at all (published and current, the same top category or a related sub-category
(`matching.relations`), the place served, something
left to give or still lacking, no open or accepted proposal between the two, no decline
still holding between them) and stops at the
newest 150; only those are scored (`matching.scoring`), so a call costs about the same
whatever the size of the catalogue. Candidates are read as plain rows and their facts built
from them exactly as `matching.facts` builds them from entries (a test holds the two equal):
loading every candidate as a full entry would cost more than all the rest of the call. The
API answers from those rows; pages load the best ``k`` as entries.

The entry asked about is read the same way, as one row with its lines and the pairings its
place holds, and its access checked on that row; the candidates come with their lines in the
same statement. So a call of the API costs the database three round trips (the entry, the
candidates, the organizations' track records; a fourth for the pairings of the needs an offer
suits). Each statement is built once, its values given as parameters: building the
candidates' statement anew took about 1 ms of Python a call, about what the database then took
to answer it on a catalogue of 100,000 needs.

The search index is not asked for text-relevant candidates: it cannot tell which offers serve
a place (city-wide ones included), so its hits would need this same query again, and one
search costs about as much as a whole call here, for a component weighing 15% by default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Row, Select, bindparam, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import SQLCoreOperations

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
from matching.facts import Pairings, lacking_worth, remembered_words
from matching.models import Proposal
from matching.offer_places import offers_at, offers_at_values
from matching.relations import need_subcategories_for, offer_subcategories_for
from matching.repository import (
    LINE_LEFT,
    needs_served,
    open_between,
    pairings_around,
    pairings_held,
    probed,
    served_values,
    serves,
    with_lines_left,
    within,
    within_values,
)
from matching.schemas import SuggestionFilters
from matching.scoring import (
    DEFAULT_WEIGHTS,
    Component,
    LineKey,
    NeedFacts,
    OfferFacts,
    Score,
    scored_if_eligible,
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
    the entry (one serving no place yet has no codes); ``words`` if already segmented."""
    return OfferFacts(
        category=row.category.value,
        subcategory=row.subcategory_code,
        tags=frozenset(row.tags or ()),
        service_codes=tuple(sorted(row.service_codes.split(","))) if row.service_codes else (),
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
        _need_seen_by(identity, need)
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
        _offer_seen_by(identity, offer)
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
        need = await self._need_read(need_id)
        return await self._offers_ranked(need, filters, organization_id)

    async def offers_for(
        self, need_id: UUID, identity: Identity, filters: SuggestionFilters
    ) -> list[Scored]:
        """`offers_ranked`, if the identity speaks for the need (as in `need_for`): the need
        is read once for both."""
        need = await self._need_read(need_id)
        _need_seen_by(identity, need[0])
        return await self._offers_ranked(need, filters, None)

    async def _need_read(self, need_id: UUID) -> tuple[Row[*tuple[Any, ...]], NeedFacts]:
        """The need's row (`NEED_COLUMNS`) and its facts, its lines and the pairings its
        place holds read with it."""
        rows, lines = _grouped(await self.session.execute(_need_read(), {"need_id": need_id}))
        if not rows:
            raise NeedNotFound(N_("No such need."))
        need = rows[0]
        held = Pairings(
            by_region={need.region_code: need.village_held},
            by_township={need.township_code: need.township_held},
        )
        left, worth = left_by_entry(lines), worth_by_entry(lines)
        return need, need_facts_of_row(need, left.get(need.id, {}), worth.get(need.id, {}), held)

    async def _offers_ranked(
        self,
        need_read: tuple[Row[*tuple[Any, ...]], NeedFacts],
        filters: SuggestionFilters,
        organization_id: UUID | None,
    ) -> list[Scored]:
        if filters.urgency is not None:
            raise InvalidInput(
                N_("Some filters are not valid."),
                problems=[
                    FieldProblem("urgency", "not_applicable", N_("Only needs have an urgency."))
                ],
            )
        need, facts = need_read
        near = offers_at_values(need.region_code, need.category, facts.related)
        offer_ids = list(await self.session.scalars(offers_at(), near))
        if not offer_ids:
            return []
        now = self.clock()
        values: dict[str, Any] = {
            "offer_ids": offer_ids,
            "need_id": need.id,
            "need_version": need.version,
            "now": now,
            "today": local_date(now),
        }
        if filters.subcategory:
            values["subcategory"] = filters.subcategory
        if organization_id is not None:
            values["organization_id"] = organization_id
        if filters.county:
            values |= within_values("county", filters.county)
        query = _offers_near(
            subcategory=bool(filters.subcategory),
            county=bool(filters.county),
            organization=organization_id is not None,
        )
        rows, lines = _grouped(await self.session.execute(query, values))
        left = left_by_entry(lines)
        track = await track_records(self.session, {row.organization_id for row in rows})
        scored: list[Scored] = []
        for row in rows:
            about = offer_facts_of_row(row, left.get(row.id, {}), track[row.organization_id])
            if (scored_pair := scored_if_eligible(facts, about, now, self.weights)) is not None:
                scored.append((row, scored_pair))
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
        return await self._needs_ranked(await self._offer_read(offer_id), filters)

    async def needs_for(
        self, offer_id: UUID, identity: Identity, filters: SuggestionFilters
    ) -> list[Scored]:
        """`needs_ranked`, if the identity speaks for the offer (as in `offer_for`): the
        offer is read once for both."""
        offer = await self._offer_read(offer_id)
        _offer_seen_by(identity, offer[0])
        return await self._needs_ranked(offer, filters)

    async def _offer_read(
        self, offer_id: UUID
    ) -> tuple[Row[*tuple[Any, ...]], dict[LineKey, Decimal]]:
        """The offer's row (`OFFER_COLUMNS`) and what its lines still offer, read with it."""
        rows, lines = _grouped(await self.session.execute(_offer_read(), {"offer_id": offer_id}))
        if not rows:
            raise OfferNotFound(N_("No such offer."))
        return rows[0], left_by_entry(lines).get(rows[0].id, {})

    async def _needs_ranked(
        self,
        offer_read: tuple[Row[*tuple[Any, ...]], dict[LineKey, Decimal]],
        filters: SuggestionFilters,
    ) -> list[Scored]:
        offer, offer_left = offer_read
        track = await track_records(self.session, [offer.organization_id])
        facts = offer_facts_of_row(offer, offer_left, track[offer.organization_id])
        now = self.clock()
        cities, served = served_values(facts.service_codes)
        values: dict[str, Any] = {
            **served,
            "offer_id": offer.id,
            "offer_version": offer.version,
            "category": offer.category,
            "related": sorted(need_subcategories_for(offer.subcategory_code)),
            "now": now,
            "today": local_date(now),
        }
        for name in ("subcategory", "county", "urgency"):
            if value := getattr(filters, name):
                values[name] = value
        query = _needs_near(
            cities,
            subcategory=bool(filters.subcategory),
            county=bool(filters.county),
            urgency=bool(filters.urgency),
        )
        rows, lines = _grouped(await self.session.execute(query, values))
        left, worth = left_by_entry(lines), worth_by_entry(lines)
        held = await pairings_held(self.session, [row.township_code for row in rows])
        scored: list[Scored] = []
        for row in rows:
            about = need_facts_of_row(row, left.get(row.id, {}), worth.get(row.id, {}), held)
            if (scored_pair := scored_if_eligible(about, facts, now, self.weights)) is not None:
                scored.append((row, scored_pair))
        return _ranked(scored, filters.min_score)


@cache
def _need_read() -> Select[Any]:
    """A need's `NEED_COLUMNS`, the pairings its place holds and its lines (parameter
    ``need_id``). Built once, like the statements below (see the module's docstring).

    The need is read as a subquery with a limit (one row: its id is the key) so that
    PostgreSQL counts the pairings once for the need; joined freely, it counted them again
    for each of its lines."""
    held = pairings_around(bindparam("need_id"))
    found = (
        select(*NEED_COLUMNS, held.c.township_held, held.c.village_held)
        .join(held, true())
        .where(Need.id == bindparam("need_id"))
        .limit(1)
    )
    return with_lines_left(found.subquery(), NeedLine)


@cache
def _offer_read() -> Select[Any]:
    """An offer's `OFFER_COLUMNS` and its lines (parameter ``offer_id``)."""
    found = select(*OFFER_COLUMNS).where(Offer.id == bindparam("offer_id"))
    return with_lines_left(found.subquery(), OfferLine)


@cache
def _offers_near(*, subcategory: bool, county: bool, organization: bool) -> Select[Any]:
    """The newest candidate offers of a need with their lines, under the filters named, among
    the offers at its place (`offers_at`, read first: asked as a subquery of this statement,
    PostgreSQL's plan for any need, made after a few calls, scanned every current offer)."""
    query = select(*OFFER_COLUMNS, *OFFER_SHOWN, Offer.published_at).where(
        Offer.id.in_(bindparam("offer_ids", expanding=True)),
        offer_public(),
        Offer.valid_until >= bindparam("today"),
        Offer.capacity_used < Offer.capacity,
        Offer.id.not_in(
            select(Proposal.offer_id).where(
                Proposal.need_id == bindparam("need_id"),
                open_between(bindparam("now"))
                | still_declined(bindparam("need_version"), Offer.version),
            )
        ),
    )
    if subcategory:
        query = query.where(Offer.subcategory_code == bindparam("subcategory"))
    if county:
        query = query.where(serves(within(offer_region.c.region_code, "county")))
    if organization:
        query = query.where(Offer.organization_id == bindparam("organization_id"))
    return _newest_with_lines(query, Offer.published_at, Offer.id, OfferLine)


@lru_cache(maxsize=64)
def _needs_near(cities: int, *, subcategory: bool, county: bool, urgency: bool) -> Select[Any]:
    """The newest candidate needs of an offer with their lines, under the filters named
    (``cities``: how many whole cities the offer serves, `needs_served`)."""
    query = select(*NEED_COLUMNS, *NEED_SHOWN).where(
        Need.state == EntryState.PUBLISHED,
        or_(
            Need.category == bindparam("category"),
            Need.subcategory_code.in_(bindparam("related", expanding=True)),
        ),
        Need.deadline >= bindparam("today"),
        needs_served(cities),
        probed(NeedLine.need_id == Need.id, NeedLine.sought > NeedLine.committed),
        Need.id.not_in(
            select(Proposal.need_id).where(
                Proposal.offer_id == bindparam("offer_id"),
                open_between(bindparam("now"))
                | still_declined(Need.version, bindparam("offer_version")),
            )
        ),
    )
    if subcategory:
        query = query.where(Need.subcategory_code == bindparam("subcategory"))
    if county:
        query = query.where(Need.county_code == bindparam("county"))
    if urgency:
        query = query.where(Need.urgency == bindparam("urgency"))
    return _newest_with_lines(query, Need.published_at, Need.id, NeedLine)


def _newest_with_lines(
    query: Select[*tuple[Any, ...]],
    published_at: SQLCoreOperations[Any],
    entry_id: SQLCoreOperations[UUID],
    lines: type[OfferLine] | type[NeedLine],
) -> Select[Any]:
    """The newest `CANDIDATES` the query finds, newest first, each with its lines left."""
    found = query.order_by(published_at.desc(), entry_id.desc()).limit(CANDIDATES).subquery()
    return with_lines_left(found, lines).order_by(found.c.published_at.desc(), found.c.id.desc())


def _need_seen_by(identity: Identity, need: Need | Row[*tuple[Any, ...]]) -> None:
    """Its township's station and reviewers of its category see a need's suggestions."""
    if not (works_in_township(identity, need.township_code) or reviews(identity, need.category)):
        raise NotYours(
            N_("Only the need's station and reviewers of its category see its suggestions.")
        )


def _offer_seen_by(identity: Identity, offer: Offer | Row[*tuple[Any, ...]]) -> None:
    """Its organization and reviewers of its category see an offer's suggestions."""
    if not (owns_offer(identity, offer) or reviews(identity, offer.category)):
        raise NotYours(
            N_("Only the offer's organization and reviewers of its category see its suggestions.")
        )


def _grouped(
    rows: Iterable[Row[*tuple[Any, ...]]],
) -> tuple[list[Row[*tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """The entries of rows read with `with_lines_left`, in their order, and their lines as
    `lines_left` reads them."""
    entries: dict[UUID, Row[*tuple[Any, ...]]] = {}
    lines: list[tuple[Any, ...]] = []
    columns = -len(LINE_LEFT)
    for row in rows:
        entries.setdefault(row.id, row)
        if row.line_kind is not None:
            lines.append((row.id, *row[columns:]))
    return list(entries.values()), lines


def _suggestions(best: list[Scored], k: int, entries: dict[UUID, Entry]) -> Suggestions[Entry]:
    return Suggestions(
        items=[Suggestion(entries[row.id], scored) for row, scored in best[:k]],
        total=len(best),
    )
