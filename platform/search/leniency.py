"""How a search forgives the way it was typed, as rules both engines apply to what they count.

* **Broadening**: a sentence rarely has every one of its words in an entry (合作社的核桃没有销路
  → 合作社, 核桃, 销路, 收购). When requiring every content word finds less than a page, the
  entries that have most of them follow: an entry must hold at least `MIN_SHARE` of the words
  found anywhere, counted (rounded down, as Elasticsearch's minimum_should_match) or weighed by
  rarity (bm25's idf), and the heaviest come first. They rank below every entry that has
  all the words, and the answer says it was broadened. A sentence still short of a page is
  broadened to a half, then a third. A short keyword query (one or two words, not a sentence)
  keeps requiring every word: the page offers its words one by one instead.
* **Typo correction**: when nothing is found, a Chinese word found nowhere (three characters or
  more; two in a keyword query), or the typed run it was cut from, is looked for among the
  index's own words differing from it in one character, the most frequent first (核挑 → 核桃),
  and searched as that word; the answer names the correction.
  Candidates come from character shape (one character replaced), never from sound: a word that
  exists is never replaced, so 景点 never becomes its homophone 经典.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from search.analysis import HAN, Concept, QueryPlan

MIN_SHARE = 2 / 3
"""The share of the query's rarity-weighted words a broadened match must hold."""
SENTENCE_SHARES = (MIN_SHARE, 1 / 2, 1 / 3)
"""A sentence that `MIN_SHARE` leaves short of a page is broadened further, step by step: people
describe a situation in many words, few of which any entry uses."""
CORRECTABLE_LENGTH = 2
"""Han characters a word of a keyword query needs before one of them may be a typo."""
SENTENCE_CORRECTABLE_LENGTH = 3
"""The same for a word of a sentence."""
LONGEST_SUSPECT = 6
"""A longer run of characters is a phrase, not a word with a slip."""
_HAN_WORD = re.compile(f"[{HAN}]+")


def broadens(plan: QueryPlan, found: int, page_size: int) -> bool:
    """Whether all-words matching left room that most-words matching may fill: less than a page
    found, and three or more content words, or a sentence of two."""
    words = len(plan.concepts)
    return found < page_size and words >= 2 and (words >= 3 or plan.phrased)


def forgives(plan: QueryPlan, found: int, page_size: int) -> bool:
    """Whether an answer is worth forgiving: it found nothing (a typo may be the cause), or
    it may be broadened."""
    return not plan.is_empty and (found == 0 or broadens(plan, found, page_size))


def rarity(frequency: int, documents: int) -> float:
    """bm25's idf of a word found in ``frequency`` of ``documents``; 0 for a word found
    nowhere, which then neither helps nor hinders a broadened match."""
    if frequency <= 0:
        return 0.0
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def shares(plan: QueryPlan) -> tuple[float, ...]:
    """The shares of the words a broadened match must hold, tried in turn while a page is
    short: two thirds for keywords, down to a third for a sentence."""
    return SENTENCE_SHARES if plan.phrased else (MIN_SHARE,)


def required_weight(weights: Sequence[float], share: float = MIN_SHARE) -> float:
    """What a broadened match weighs at least, unless it holds `required_count` words."""
    return share * sum(weights)


def required_count(weights: Sequence[float], share: float = MIN_SHARE) -> int:
    """How many of the words found anywhere a broadened match holds at least, unless it
    weighs `required_weight`."""
    return max(1, math.floor(share * sum(1 for weight in weights if weight > 0)))


def correctable(word: str, plan: QueryPlan) -> bool:
    """A Chinese word long enough that one character may be a slip: three characters or more,
    or two in a keyword query (in a sentence, a two-character word no entry has is far more
    often a word no entry says than a slip)."""
    shortest = SENTENCE_CORRECTABLE_LENGTH if plan.phrased else CORRECTABLE_LENGTH
    return len(word) >= shortest and bool(_HAN_WORD.fullmatch(word))


def suspects(plan: QueryPlan, found_nowhere: Iterable[Concept]) -> list[str]:
    """What may be typos, longest first: each word found nowhere, and the typed run of
    characters it was cut from (护理窗 is cut 护理 / 窗, and only the run is one character away
    from 护理床)."""
    words = {concept.text for concept in found_nowhere}
    runs = [
        run
        for run in plan.runs
        if len(run) <= LONGEST_SUSPECT and any(word in run for word in words)
    ]
    return sorted({*words, *runs} - {""}, key=len, reverse=True)


def one_character_apart(word: str, other: str) -> bool:
    return len(word) == len(other) and sum(a != b for a, b in zip(word, other, strict=True)) == 1


def patterns(word: str) -> list[str]:
    """SQL GLOB patterns of the words one character away from ``word`` (核挑 → ?挑, 核?)."""
    return [word[:position] + "?" + word[position + 1 :] for position in range(len(word))]


def correction(word: str, vocabulary: Iterable[tuple[str, int]]) -> str | None:
    """The most frequent word one character away from ``word`` (the lower code points first
    among equals, so the choice is stable), or None."""
    candidates = [
        (-frequency, term)
        for term, frequency in vocabulary
        if frequency > 0 and one_character_apart(word, term)
    ]
    return min(candidates)[1] if candidates else None


def worth_checking(suspect: str, plan: QueryPlan, fixes: dict[str, str]) -> bool:
    """Whether to look for the word meant by a suspect: it is correctable, and not inside a
    run of characters corrected already."""
    return correctable(suspect, plan) and not any(suspect in typed for typed in fixes)


def qualifies(held: Any, count: Any, weights: Sequence[float], share: float) -> Any:
    """Whether a document holding words of this weight and number is a broadened match (for
    one document, or element-wise for arrays of them): it holds some word, and the share of
    the words by weight or by count."""
    enough = (held >= required_weight(weights, share) - 1e-9) | (
        count >= required_count(weights, share)
    )
    return (held > 0) & enough
