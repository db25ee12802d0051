"""What a search that found nothing offers instead: the categories nearest to its words, and
each of its words searched alone, so no answer is a bare "nothing found"."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from catalogue.models import Category
from search.analysis import normalise, query_plan, synonyms_of

NEAREST = 3


@dataclass(frozen=True, slots=True)
class Way:
    label: str
    href: str


def _characters(text: str) -> set[str]:
    return {char for char in normalise(text) if char.isalnum()}


def nearest_categories(
    text: str, tree: list[tuple[Category, list[Category]]], locale: str
) -> list[Way]:
    """The sub-categories whose Chinese names share most characters with the query's words
    and their synonyms (老人看病 → 养老, 医疗), at most `NEAREST`, each sharing two characters
    or half its name; the five top categories when none does."""
    plan = query_plan(text)
    said = set().union(*(_characters(w) for c in plan.concepts for w in synonyms_of(c.text)))
    scored = [
        (len(said & _characters(sub.name_zh)), len(_characters(sub.name_zh)), position, sub)
        for position, (_top, subs) in enumerate(tree)
        for sub in subs
    ]
    near = [s for s in scored if s[0] >= min(2, (s[1] + 1) // 2)]
    nearest = sorted(near, key=lambda s: (-s[0], s[2]))[:NEAREST]
    if nearest:
        return [
            Way(sub.name(locale), "/search?" + urlencode({"subcategory": sub.code}))
            for _score, _length, _position, sub in nearest
        ]
    return [
        Way(top.name(locale), "/search?" + urlencode({"category": top.code})) for top, _ in tree
    ]


def word_by_word(text: str) -> list[Way]:
    """Each content word of a query of several, searched alone."""
    words = [concept.text for concept in query_plan(text).concepts]
    if len(words) < 2:
        return []
    return [Way(word, "/search?" + urlencode({"q": word})) for word in words]
