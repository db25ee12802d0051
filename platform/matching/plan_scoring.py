"""`matching.scoring` for many pairs at once: the same components, computed with numpy over
arrays of candidate pairs instead of one pair at a time.

A plan scores hundreds of thousands of pairs; one call of `scoring.score` per pair cost a
province's plan minutes. Here every need and offer is turned into numbers once (sub-category
and word and tag indices, what each line lacks or offers per kind and unit), and each
component is one array operation over the pairs: shared words and tags are row-wise products
of sparse matrices, capacity averages the cover of each line the need lacks. The values are
those of `scoring.score` (a test compares them pair by pair on generated catalogues), up to
the rounding of floating point against `Decimal` arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from matching.funds_cover import FUNDS_KEY
from matching.scoring import (
    FULL_WAIT_DAYS,
    FUNDS_COVER,
    LEVEL_SCORES,
    MIN_TEXT_EVIDENCE,
    PRIOR_SUCCESSES,
    PRIOR_TRIALS,
    RELATED_SUBCATEGORY,
    SAME_SUBCATEGORY,
    SAME_TOP_CATEGORY,
    TAG_OVERLAP,
    TOWNSHIP_PAIRING_WEIGHT,
    UNPRICED_FUNDS_COVER,
    URGENCY_LEVELS,
    URGENCY_SHARE,
    Component,
    LineKey,
    NeedFacts,
    OfferFacts,
)

COMPONENTS = tuple(Component)
"""The columns of `PairScores.parts`, in the order `scoring.score` sums them."""
CHUNK = 200_000
"""Pairs whose shared words are counted at a time: bounds the sparse intermediates."""


class _Index(dict[str, int]):
    """Strings numbered in the order they are first seen."""

    def of(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            found = self[key] = len(self)
        return found


def _incidence(sets: Sequence[frozenset[str]], vocabulary: _Index) -> sparse.csr_matrix:
    """One row per set, a 1 in the column of each of its members."""
    lengths = np.fromiter((len(found) for found in sets), dtype=np.int64, count=len(sets))
    columns = np.fromiter(
        (vocabulary.of(member) for found in sets for member in found),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    pointers = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float64), columns, pointers),
        shape=(len(sets), max(len(vocabulary), 1)),
    )


@dataclass(frozen=True, eq=False)
class Entries:
    """Needs and offers as arrays (rows of the sparse matrices follow the entries' order)."""

    need_subcategory: np.ndarray
    need_urgency: np.ndarray
    need_fairness: np.ndarray
    need_words: sparse.csr_matrix
    need_tags: sparse.csr_matrix
    line_start: np.ndarray
    """Per need, its first lacking line in the ``line_*`` arrays; its lines follow."""
    line_count: np.ndarray
    line_key: np.ndarray
    line_lacking: np.ndarray
    line_worth: np.ndarray
    """What the line still lacks is worth in yuan, 0 where nothing says."""
    offer_subcategory: np.ndarray
    offer_track: np.ndarray
    offer_words: sparse.csr_matrix
    offer_tags: sparse.csr_matrix
    offer_remaining: np.ndarray
    """Offers × line keys: what is still offered of each kind and unit."""
    category_base: np.ndarray
    """Need sub-category × offer sub-category: the category component before shared tags."""
    funds_key: int


def entries(needs: Sequence[NeedFacts], offers: Sequence[OfferFacts], now: datetime) -> Entries:
    """The facts as arrays, ready for `score_pairs`."""
    subcategories, top_of = _Index(), dict[str, str]()
    kinds: list[NeedFacts | OfferFacts] = [*needs, *offers]
    for facts in kinds:
        top_of[facts.subcategory] = facts.category
        subcategories.of(facts.subcategory)
    keys = _Index()
    funds_key = keys.of("\t".join(FUNDS_KEY))
    words, tags = _Index(), _Index()
    need_words = _incidence([facts.words for facts in needs], words)
    offer_words = _incidence([facts.words for facts in offers], words)
    need_tags = _incidence([facts.tags for facts in needs], tags)
    offer_tags = _incidence([facts.tags for facts in offers], tags)
    # the vocabulary grew while the offers were read: the needs' matrices get its full width
    need_words.resize((len(needs), offer_words.shape[1]))
    need_tags.resize((len(needs), offer_tags.shape[1]))
    line_count = np.array([len(facts.lacking) for facts in needs], dtype=np.int64)
    line_key, line_lacking, line_worth = [], [], []
    for facts in needs:
        for key, lacking in facts.lacking.items():
            line_key.append(keys.of(_key(key)))
            line_lacking.append(float(lacking))
            line_worth.append(float(facts.worth.get(key) or 0))
    remaining_rows = [
        [(keys.of(_key(key)), float(left)) for key, left in facts.remaining.items()]
        for facts in offers
    ]
    remaining = np.zeros((len(offers), len(keys)), dtype=np.float64)
    for row, found in enumerate(remaining_rows):
        for column, left in found:
            remaining[row, column] += left
    base = np.zeros((len(subcategories), len(subcategories)), dtype=np.float64)
    related = {facts.subcategory: facts.related for facts in needs}
    for need_sub, i in subcategories.items():
        for offer_sub, j in subcategories.items():
            if need_sub == offer_sub:
                base[i, j] = SAME_SUBCATEGORY
            elif offer_sub in related.get(need_sub, ()):
                base[i, j] = RELATED_SUBCATEGORY
            elif top_of[need_sub] == top_of[offer_sub]:
                base[i, j] = SAME_TOP_CATEGORY
    return Entries(
        need_subcategory=np.array([subcategories[f.subcategory] for f in needs], dtype=np.int64),
        need_urgency=np.array([_urgency(facts, now) for facts in needs], dtype=np.float64),
        need_fairness=np.array([_fairness(facts) for facts in needs], dtype=np.float64),
        need_words=need_words,
        need_tags=need_tags,
        line_start=np.concatenate([[0], np.cumsum(line_count)[:-1]]).astype(np.int64)
        if len(needs)
        else np.zeros(0, dtype=np.int64),
        line_count=line_count,
        line_key=np.array(line_key, dtype=np.int64),
        line_lacking=np.array(line_lacking, dtype=np.float64),
        line_worth=np.array(line_worth, dtype=np.float64),
        offer_subcategory=np.array([subcategories[f.subcategory] for f in offers], dtype=np.int64),
        offer_track=np.array([_track(facts) for facts in offers], dtype=np.float64),
        offer_words=offer_words,
        offer_tags=offer_tags,
        offer_remaining=remaining,
        category_base=base,
        funds_key=funds_key,
    )


def _key(key: LineKey) -> str:
    return "\t".join(key)


def _urgency(facts: NeedFacts, now: datetime) -> float:
    waited = max(0.0, (now - facts.published_at).total_seconds() / 86400)
    level = URGENCY_LEVELS.get(facts.urgency, 0.0)
    return URGENCY_SHARE * level + (1 - URGENCY_SHARE) * min(1.0, waited / FULL_WAIT_DAYS)


def _fairness(facts: NeedFacts) -> float:
    held = facts.village_pairings + TOWNSHIP_PAIRING_WEIGHT * facts.township_pairings
    return 1.0 / (1.0 + held)


def _track(facts: OfferFacts) -> float:
    track = facts.track
    successes = track.completed_agreements + track.reports_on_time
    trials = track.agreements + track.reports_due
    return (successes + PRIOR_SUCCESSES) / (trials + PRIOR_TRIALS)


@dataclass(frozen=True, eq=False)
class PairScores:
    total: np.ndarray
    """The weighted sum, 0 where the pair is not eligible."""
    parts: np.ndarray
    """Pairs × `COMPONENTS`: each component's value before weighting."""
    eligible: np.ndarray
    evidence: np.ndarray
    """The same or a related sub-category, or shared words (`scoring.has_evidence`)."""

    def breakdowns(self, pairs: np.ndarray) -> list[dict[str, float]]:
        """Each pair's components by name; the rows are taken out of numpy at once, not one
        value at a time."""
        names = [name.value for name in COMPONENTS]
        return [dict(zip(names, values, strict=True)) for values in self.parts[pairs].tolist()]


def _shared(left: sparse.csr_matrix, right: sparse.csr_matrix, i: np.ndarray, j: np.ndarray):
    """Per pair, how many columns row ``i`` of ``left`` and row ``j`` of ``right`` share."""
    found = np.zeros(len(i), dtype=np.float64)
    for start in range(0, len(i), CHUNK):
        stop = start + CHUNK
        product = left[i[start:stop]].multiply(right[j[start:stop]])
        found[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return found


def _sizes(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.diff(matrix.indptr).astype(np.float64)


def score_pairs(
    found: Entries,
    pair_need: np.ndarray,
    pair_offer: np.ndarray,
    geography: np.ndarray,
    weights: Mapping[Component, float],
) -> PairScores:
    """Every pair's score as `scoring.score` gives it; ``geography`` is each pair's
    geography component (`geography_of` turns the level of the place served into it)."""
    i, j = pair_need, pair_offer
    parts = np.zeros((len(i), len(COMPONENTS)), dtype=np.float64)
    shared_tags = _shared(found.need_tags, found.offer_tags, i, j)
    tag_union = _sizes(found.need_tags)[i] + _sizes(found.offer_tags)[j] - shared_tags
    jaccard = np.divide(
        shared_tags, tag_union, out=np.zeros(len(i), dtype=np.float64), where=tag_union > 0
    )
    base = found.category_base[found.need_subcategory[i], found.offer_subcategory[j]]
    parts[:, 0] = np.where(base > 0, base + TAG_OVERLAP * jaccard, 0.0)
    parts[:, 1] = geography
    shared_words = _shared(found.need_words, found.offer_words, i, j)
    both = _sizes(found.need_words)[i] * _sizes(found.offer_words)[j]
    parts[:, 2] = np.divide(
        shared_words, np.sqrt(both), out=np.zeros(len(i), dtype=np.float64), where=both > 0
    )
    parts[:, 3] = _capacity(found, i, j)
    parts[:, 4] = found.need_urgency[i]
    parts[:, 5] = found.offer_track[j]
    parts[:, 6] = found.need_fairness[i]
    eligible = (parts[:, 0] > 0) & (parts[:, 1] > 0) & (parts[:, 3] > 0)
    weight_sum = sum(weights.values())
    total = np.zeros(len(i), dtype=np.float64)
    for column, name in enumerate(COMPONENTS):
        total = total + weights[name] * parts[:, column]
    sub_i, sub_j = found.need_subcategory[i], found.offer_subcategory[j]
    related = found.category_base[sub_i, sub_j] >= RELATED_SUBCATEGORY
    return PairScores(
        total=np.where(eligible, total / weight_sum, 0.0),
        parts=parts,
        eligible=eligible,
        evidence=related | (parts[:, 2] >= MIN_TEXT_EVIDENCE),
    )


def _capacity(found: Entries, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each line the need lacks, the share the offer could cover, averaged per pair."""
    counts = found.line_count[i]
    pair_of_line = np.repeat(np.arange(len(i)), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    line = np.repeat(found.line_start[i], counts) + offset
    offer = j[pair_of_line]
    key = found.line_key[line]
    lacking = found.line_lacking[line]
    same = np.minimum(1.0, found.offer_remaining[offer, key] / lacking)
    funds = found.offer_remaining[offer, found.funds_key]
    worth = found.line_worth[line]
    by_funds = np.where(
        worth > 0,
        FUNDS_COVER
        * np.minimum(1.0, np.divide(funds, worth, out=np.zeros_like(funds), where=worth > 0)),
        UNPRICED_FUNDS_COVER,
    )
    cover = np.where((key != found.funds_key) & (funds > 0), np.maximum(same, by_funds), same)
    sums = np.bincount(pair_of_line, weights=cover, minlength=len(i))
    return np.divide(sums, counts, out=np.zeros(len(i), dtype=np.float64), where=counts > 0)


def geography_of(level: np.ndarray) -> np.ndarray:
    """The geography component of the code length of the nearest place served (12 village,
    9 township, 6 county, 4 city; 0 none)."""
    table = np.zeros(13, dtype=np.float64)
    for digits, value in LEVEL_SCORES.items():
        table[digits] = value
    return table[np.asarray(level, dtype=np.int64)]
