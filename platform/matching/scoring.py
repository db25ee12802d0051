"""How well an offer suits a need: a weighted sum of named components, each in [0, 1].

Every component is a pure function of plain facts (`NeedFacts`, `OfferFacts`), so each is
tested on hand-made cases and the breakdown shown to people ("为什么推荐") is exactly what was
summed. Three components are also requirements: an offer of another top category and no
related sub-category, one that does not serve the need's place, or one with nothing left of
what the need lacks is no candidate at all (`eligible`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from matching.funds_cover import FUNDS_KEY
from matching.track_record import NEWCOMER, TrackFacts

LineKey = tuple[str, str]
"""A line's kind and unit: amounts compare within the same kind and unit, or as yuan of funds
against a line's worth (`matching.funds_cover`)."""


class Component(StrEnum):
    CATEGORY = "category"
    GEOGRAPHY = "geography"
    TEXT = "text"
    CAPACITY = "capacity"
    URGENCY = "urgency"
    TRACK_RECORD = "track_record"
    FAIRNESS = "fairness"


DEFAULT_WEIGHTS: Mapping[Component, float] = {
    Component.CATEGORY: 0.20,
    Component.GEOGRAPHY: 0.10,
    Component.TEXT: 0.25,
    Component.CAPACITY: 0.15,
    Component.URGENCY: 0.10,
    Component.TRACK_RECORD: 0.10,
    Component.FAIRNESS: 0.10,
}
"""Text weighs most of all: what the entries say (苹果 or 天麻) is the best evidence of a fit."""

SAME_TOP_CATEGORY = 0.5
RELATED_SUBCATEGORY = 0.6
SAME_SUBCATEGORY = 0.8
TAG_OVERLAP = 0.2
LEVEL_SCORES = {12: 1.0, 9: 0.85, 6: 0.7, 4: 0.55}
"""Served exactly at the need's village, its township, its county, the whole city: an offer
present close by is worth a little more than one that covers everything."""
URGENCY_LEVELS = {"red": 1.0, "yellow": 0.6, "green": 0.3}
URGENCY_SHARE = 0.7
"""The rest of the urgency component grows with the days the need has waited."""
FULL_WAIT_DAYS = 60
PRIOR_SUCCESSES = 2.0
PRIOR_TRIALS = 4.0
"""A Beta(2, 2) prior: a newcomer with no history scores 0.5, not 0."""
NEWCOMER_TRACK_RECORD = PRIOR_SUCCESSES / PRIOR_TRIALS
"""What an organization without history scores: shown as "new", not as a record of 50%."""
TOWNSHIP_PAIRING_WEIGHT = 0.5
FUNDS_COVER = 0.6
"""Money for a line of goods, time or purchases with a worth in yuan counts for less than the
same kind of help: the station still has to buy or hire with it."""
UNPRICED_FUNDS_COVER = 0.3
"""Money for a line with no worth in yuan: how much of it the money covers is unknown."""


@dataclass(frozen=True, slots=True)
class NeedFacts:
    category: str
    subcategory: str
    tags: frozenset[str]
    region_code: str
    """The need's village or township (12 digits)."""
    words: frozenset[str]
    lacking: Mapping[LineKey, Decimal]
    """Per line: sought minus committed, only where positive."""
    urgency: str
    published_at: datetime
    related: frozenset[str] = frozenset()
    """Offer sub-categories of any category that serve this need's sub-category."""
    worth: Mapping[LineKey, Decimal] = field(default_factory=dict)
    """Per line of goods, time or purchases: what it still lacks is worth this many yuan,
    where a value says so."""
    village_pairings: int = 0
    """Open or accepted pairings the need's village (or township need) already holds."""
    township_pairings: int = 0


@dataclass(frozen=True, slots=True)
class OfferFacts:
    category: str
    subcategory: str
    tags: frozenset[str]
    service_codes: tuple[str, ...]
    words: frozenset[str]
    remaining: Mapping[LineKey, Decimal]
    """Per line: offered minus committed."""
    track: TrackFacts = NEWCOMER
    """The organization's record with earlier agreements (`matching.track_record`)."""


@dataclass(frozen=True, slots=True)
class Score:
    total: float
    parts: Mapping[Component, float]
    """Each component's value in [0, 1], before weighting."""


@lru_cache(maxsize=4096)
def ancestors(code: str) -> Mapping[str, int]:
    """The region itself and every division above it, each with its code length: 12-digit
    codes nest (city 4 significant digits, county 6, township 9, village 12). Remembered (a
    city has some 1,600 places), as it is asked for every candidate scored."""
    return {code[:digits].ljust(12, "0"): digits for digits in (12, 9, 6, 4)}


def geography(need: NeedFacts, offer: OfferFacts) -> float:
    """How closely the offer serves the need's place; 0 when it does not serve it at all."""
    above = ancestors(need.region_code)
    levels = [above[code] for code in offer.service_codes if code in above]
    return LEVEL_SCORES[max(levels)] if levels else 0.0


def _jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def category(need: NeedFacts, offer: OfferFacts) -> float:
    """The same sub-category most, a related one (of any category) less, the same top
    category alone least; shared tags add a little. 0: neither related nor the same."""
    if need.subcategory == offer.subcategory:
        base = SAME_SUBCATEGORY
    elif offer.subcategory in need.related:
        base = RELATED_SUBCATEGORY
    elif need.category == offer.category:
        base = SAME_TOP_CATEGORY
    else:
        return 0.0
    return base + TAG_OVERLAP * _jaccard(need.tags, offer.tags)


def text(need: NeedFacts, offer: OfferFacts) -> float:
    """Overlap of the segmented words of titles and descriptions (cosine of word sets)."""
    if not need.words or not offer.words:
        return 0.0
    shared = len(need.words & offer.words)
    return shared / (len(need.words) * len(offer.words)) ** 0.5


def capacity(need: NeedFacts, offer: OfferFacts) -> float:
    """For each line the need still lacks, the share the offer could still cover, averaged.

    Help of the same kind and unit covers its share in full measure; an offer's funds may pay
    for a line of another kind, at a lower share (`FUNDS_COVER`, or `UNPRICED_FUNDS_COVER` when
    the line has no worth in yuan to compare the money with).
    """
    if not need.lacking:
        return 0.0
    shares = [_cover(key, lacking, need, offer) for key, lacking in need.lacking.items()]
    return float(sum(shares, Decimal(0)) / len(shares))


def _cover(key: LineKey, lacking: Decimal, need: NeedFacts, offer: OfferFacts) -> Decimal:
    same = min(Decimal(1), offer.remaining.get(key, Decimal(0)) / lacking)
    funds = offer.remaining.get(FUNDS_KEY, Decimal(0))
    if key == FUNDS_KEY or funds <= 0:
        return same
    worth = need.worth.get(key)
    if worth:
        by_funds = Decimal(str(FUNDS_COVER)) * min(Decimal(1), funds / worth)
    else:
        by_funds = Decimal(str(UNPRICED_FUNDS_COVER))
    return max(same, by_funds)


def urgency(need: NeedFacts, now: datetime) -> float:
    """红 > 黄 > 绿, and a need that has waited longer comes forward."""
    waited = max(0.0, (now - need.published_at).total_seconds() / 86400)
    level = URGENCY_LEVELS.get(need.urgency, 0.0)
    return URGENCY_SHARE * level + (1 - URGENCY_SHARE) * min(1.0, waited / FULL_WAIT_DAYS)


def track_record(offer: OfferFacts) -> float:
    """Completed agreements and reports filed on time, over what was undertaken, with a prior."""
    track = offer.track
    successes = track.completed_agreements + track.reports_on_time
    trials = track.agreements + track.reports_due
    return (successes + PRIOR_SUCCESSES) / (trials + PRIOR_TRIALS)


def fairness(need: NeedFacts) -> float:
    """Lower for each pairing the village (and, half as much, the township) already holds."""
    held = need.village_pairings + TOWNSHIP_PAIRING_WEIGHT * need.township_pairings
    return 1.0 / (1.0 + held)


MIN_TEXT_EVIDENCE = 0.1
"""Text overlap that counts as evidence of a fit on its own: a few shared words."""


def has_evidence(need: NeedFacts, offer: OfferFacts) -> bool:
    """Whether the pair fits by more than its top category: the same sub-category, or the
    entries share words. Place, capacity and urgency alone make no pairing."""
    return (
        need.subcategory == offer.subcategory
        or offer.subcategory in need.related
        or text(need, offer) >= MIN_TEXT_EVIDENCE
    )


def eligible(need: NeedFacts, offer: OfferFacts) -> bool:
    """The same top category or a related sub-category, the need's place served, and something
    the offer can still give of what the need still lacks: otherwise there is nothing to
    propose."""
    return category(need, offer) > 0 and geography(need, offer) > 0 and capacity(need, offer) > 0


def score(
    need: NeedFacts,
    offer: OfferFacts,
    now: datetime,
    weights: Mapping[Component, float] = DEFAULT_WEIGHTS,
) -> Score:
    """The weighted sum (weights normalised to sum to 1) and its parts; 0 when not eligible."""
    parts = _parts(need, offer, now)
    if not _eligible_parts(parts):
        return Score(total=0.0, parts=parts)
    return Score(total=_weighted(parts, weights), parts=parts)


def scored_if_eligible(
    need: NeedFacts,
    offer: OfferFacts,
    now: datetime,
    weights: Mapping[Component, float] = DEFAULT_WEIGHTS,
) -> Score | None:
    """The `score` of an `eligible` pair, None for any other: each component computed once
    for both questions (suggestions ask them of every candidate)."""
    parts = _parts(need, offer, now)
    if not _eligible_parts(parts):
        return None
    return Score(total=_weighted(parts, weights), parts=parts)


def _parts(need: NeedFacts, offer: OfferFacts, now: datetime) -> dict[Component, float]:
    return {
        Component.CATEGORY: category(need, offer),
        Component.GEOGRAPHY: geography(need, offer),
        Component.TEXT: text(need, offer),
        Component.CAPACITY: capacity(need, offer),
        Component.URGENCY: urgency(need, now),
        Component.TRACK_RECORD: track_record(offer),
        Component.FAIRNESS: fairness(need),
    }


def _eligible_parts(parts: Mapping[Component, float]) -> bool:
    """`eligible`, read off the parts already computed."""
    return (
        parts[Component.CATEGORY] > 0
        and parts[Component.GEOGRAPHY] > 0
        and parts[Component.CAPACITY] > 0
    )


def _weighted(parts: Mapping[Component, float], weights: Mapping[Component, float]) -> float:
    return sum(weights[name] * value for name, value in parts.items()) / sum(weights.values())
