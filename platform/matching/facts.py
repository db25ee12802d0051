"""The plain facts the scores are computed from, read off needs and offers.

Scoring stays pure (`matching.scoring`); this module is where the entries meet it: the
lines still lacking or still offered, the segmented words, and how many pairings a village
and a township already hold (open, accepted or signed proposals, counted by
`matching.repository.pairings_held`).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row

from demand.models import Need, NeedLine
from matching.funds_cover import total_worth, worth_of
from matching.models import ProposalState
from matching.relations import offer_subcategories_for
from matching.scoring import LineKey, NeedFacts, OfferFacts
from matching.track_record import TrackFacts
from search.analysis import words
from supply.models import Offer, OfferLine

HOLDING = (ProposalState.PROPOSED, ProposalState.ACCEPTED, ProposalState.CONVERTED)
"""Proposals that count as a pairing a place holds."""


def entry_words(title: str, description: str) -> frozenset[str]:
    """The segmented words of an entry's text that the text component compares."""
    return frozenset(word for word in words(f"{title} {description}") if len(word) > 1)


WORDS_REMEMBERED = 20_000


class WordMemory:
    """The words of the entries scored lately, by entry and version.

    Segmenting the text is the costliest part of scoring a candidate (a fifth of a call), and
    the same published entries come back as candidates call after call; their text never
    changes within a version (only drafts are edited, and every change bumps it). Words are
    kept as tuples of interned strings, about half a kilobyte an entry.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[UUID, int], tuple[str, ...]] = OrderedDict()

    def of(self, row: Row[Any]) -> frozenset[str]:
        key = (row.id, row.version)
        kept = self._kept.get(key)
        if kept is None:
            kept = tuple(sys.intern(word) for word in entry_words(row.title, row.description))
            self._kept[key] = kept
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return frozenset(kept)


remembered_words = WordMemory(WORDS_REMEMBERED)
"""The words of the candidates suggestions and plans scored lately, in this worker."""


def _left(lines: Iterable[NeedLine] | Iterable[OfferLine], total: str) -> dict[LineKey, Decimal]:
    """Per kind and unit, what is left of ``total`` (sought or offered) once committed."""
    found: dict[LineKey, Decimal] = {}
    for line in lines:
        left = getattr(line, total) - line.committed
        if left > 0:
            key = (line.kind.value, line.amount_unit)
            found[key] = found.get(key, Decimal(0)) + left
    return found


def lacking(need: Need) -> dict[LineKey, Decimal]:
    return _left(need.lines, "sought")


def lacking_worth(
    rows: Iterable[tuple[str, str, Decimal | None, Decimal, Decimal]],
) -> dict[LineKey, Decimal]:
    """Per kind and unit, what the lines still lack is worth in yuan, where a value says so;
    each row is a line's kind, unit, value, sought and what it still lacks."""
    found: dict[LineKey, Decimal] = {}
    for kind, unit, value, sought, left in rows:
        worth = total_worth(kind, unit, value, sought)
        if worth is not None and left > 0:
            key = (kind, unit)
            found[key] = found.get(key, Decimal(0)) + worth_of(left, sought, worth)
    return found


def remaining(offer: Offer) -> dict[LineKey, Decimal]:
    return _left(offer.lines, "offered")


@dataclass
class Pairings:
    """Pairings held per village (a need's region) and per township."""

    by_region: dict[str, int] = field(default_factory=dict)
    by_township: dict[str, int] = field(default_factory=dict)


def need_facts(need: Need, held: Pairings) -> NeedFacts:
    return NeedFacts(
        category=need.category.value,
        subcategory=need.subcategory_code,
        tags=frozenset(need.tags or ()),
        region_code=need.region_code,
        words=entry_words(need.title, need.description),
        lacking=lacking(need),
        worth=lacking_worth(
            (
                line.kind.value,
                line.amount_unit,
                line.value,
                line.sought,
                line.sought - line.committed,
            )
            for line in need.lines
        ),
        urgency=need.urgency.value,
        published_at=need.published_at or need.created_at,
        related=offer_subcategories_for(need.subcategory_code),
        village_pairings=held.by_region.get(need.region_code, 0),
        township_pairings=held.by_township.get(need.township_code, 0)
        - held.by_region.get(need.region_code, 0),
    )


def offer_facts(offer: Offer, track: TrackFacts) -> OfferFacts:
    """``track``: the organization's record, from `matching.track_record.track_records`
    (fetched once for a whole batch of offers)."""
    return OfferFacts(
        category=offer.category.value,
        subcategory=offer.subcategory_code,
        tags=frozenset(offer.tags or ()),
        service_codes=tuple(region.code for region in offer.service_regions),
        words=entry_words(offer.title, offer.description),
        remaining=remaining(offer),
        track=track,
    )
