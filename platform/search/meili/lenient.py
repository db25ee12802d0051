"""Meilisearch's answers forgiven as the embedded engine's are (`search.leniency`), from what
Meilisearch can be asked: how many documents have each word, the words of documents holding a
character (its vocabulary is not exposed), and up to `CANDIDATES` documents having any of the
words, which are weighed, kept or left out, counted into facets and paged here.

Meilisearch's own ``frequency`` matching strategy returns documents with fewer and fewer of
the words (the most frequent dropped first), complete ones first; it has no minimum share, so
the share is applied to the candidates it returns.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Any

from meilisearch_python_sdk import AsyncIndex

from search.analysis import HAN, Concept, QueryPlan
from search.backend import Facet, SearchQuery, SearchResult, Sort
from search.leniency import (
    broadens,
    correction,
    rarity,
    required_count,
    required_weight,
    shares,
    suspects,
    worth_checking,
)
from search.meili.translation import (
    ENGINE,
    FACET_ATTRIBUTES,
    LOCALES,
    PRIMARY_KEY,
    RETRIEVED,
    TOKEN_FIELDS,
    filter_expression,
    holds,
    query_string,
    search_hit,
    search_request,
    search_result,
    sort_criteria,
    term_of,
    token,
    typed_first,
)

_HAN_WORDS = re.compile(f"[{HAN}]{{2,}}")
CANDIDATES = 1000
"""Documents with some of the words read for a broadened answer, the most complete first."""
VOCABULARY_SAMPLE = 200
"""Documents holding a character whose words are read for a typo's correction."""


def count_request(concept: Concept) -> dict[str, Any]:
    """How many documents have the concept, over the whole index (for its rarity)."""
    return {
        "query": query_string(QueryPlan((concept,))),
        "page": 1,
        "hits_per_page": 1,
        "matching_strategy": "all",
        "attributes_to_retrieve": [PRIMARY_KEY],
        "locales": LOCALES,
    }


def vocabulary_request(character: str) -> dict[str, Any]:
    """Documents holding a character (indexed once in the infix field), with their words."""
    return {
        "query": f'"{token(character)}"',
        "page": 1,
        "hits_per_page": VOCABULARY_SAMPLE,
        "matching_strategy": "all",
        "attributes_to_retrieve": ["title_words", "words"],
        "locales": LOCALES,
    }


def sampled_vocabulary(hits: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The Chinese words of the hits, each with the number of hits that have it."""
    counted: Counter[str] = Counter()
    for hit in hits:
        terms = {term_of(word) for word in (*hit["title_words"].split(), *hit["words"].split())}
        counted.update(term for term in terms if _HAN_WORDS.fullmatch(term))
    return list(counted.items())


def candidates_request(query: SearchQuery, plan: QueryPlan) -> dict[str, Any]:
    """Up to `CANDIDATES` documents with any of the words, the most complete first (or in the
    query's sort), with what is needed to weigh, facet and show them."""
    return {
        "query": query_string(plan),
        "filter": filter_expression(query.filters),
        "sort": sort_criteria(query.sort, plan),
        "page": 1,
        "hits_per_page": CANDIDATES,
        "matching_strategy": "frequency",
        "attributes_to_retrieve": [*RETRIEVED, *TOKEN_FIELDS, *FACET_ATTRIBUTES.values()],
        "show_ranking_score": True,
        "locales": LOCALES,
    }


def _facets(hits: list[dict[str, Any]], wanted: frozenset[Facet]) -> dict[Facet, dict[str, int]]:
    facets = {}
    for facet in wanted:
        counted: Counter[str] = Counter()
        for hit in hits:
            value = hit.get(FACET_ATTRIBUTES[facet])
            counted.update(value if isinstance(value, list) else [value] if value else [])
        facets[facet] = dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
    return facets


def broadened_result(
    query: SearchQuery,
    plan: QueryPlan,
    hits: list[dict[str, Any]],
    frequencies: list[int],
    documents: int,
) -> SearchResult:
    """The candidates holding every concept first (the typed word above synonyms), then those
    holding the required share of them, heaviest first; totals and facets over those kept."""
    weights = [rarity(frequency, documents) for frequency in frequencies]
    held = [[holds(concept, hit) for concept in plan.concepts] for hit in hits]
    complete = typed_first(plan, [hit for hit, has in zip(hits, held, strict=True) if all(has)])
    weighed = [
        (sum(w for w, h in zip(weights, has, strict=True) if h), sum(has), hit)
        for hit, has in zip(hits, held, strict=True)
        if not all(has)
    ]
    partial: list[tuple[float, dict[str, Any]]] = []
    for share in shares(plan):
        partial = [
            (weight, hit)
            for weight, count, hit in weighed
            if weight > 0
            and (
                weight >= required_weight(weights, share) - 1e-9
                or count >= required_count(weights, share)
            )
        ]
        if len(complete) + len(partial) >= query.page_size:
            break
    if query.sort is Sort.RELEVANCE:
        partial.sort(key=lambda item: -item[0])
    kept = [*complete, *(hit for _weight, hit in partial)]
    whole = sum(weights) or 1.0
    scores = [1.0] * len(complete) + [weight / whole for weight, _hit in partial]
    page = slice(query.offset, query.offset + query.page_size)
    return SearchResult(
        hits=[
            search_hit(hit, plan, score)
            for hit, score in zip(kept[page], scores[page], strict=True)
        ],
        total=len(kept),
        facets=_facets(kept, query.facets),
        page=query.page,
        page_size=query.page_size,
        engine=ENGINE,
        broadened=bool(partial),
    )


async def _count(index: AsyncIndex, concept: Concept) -> int:
    return (await index.search(**count_request(concept))).total_hits or 0


async def _meant(index: AsyncIndex, word: str) -> str | None:
    vocabulary: list[tuple[str, int]] = []
    for character in dict.fromkeys(word):
        found = await index.search(**vocabulary_request(character))
        vocabulary += sampled_vocabulary(found.hits)
    return correction(word, vocabulary)


async def forgiven(
    index: AsyncIndex, query: SearchQuery, plan: QueryPlan, result: SearchResult
) -> SearchResult:
    """The answer to a query that found nothing (typos corrected, if the correction finds
    something) or less than a page of a query that may be broadened, as the embedded engine
    answers (`search.embedded.lenient`)."""
    frequencies = [await _count(index, concept) for concept in plan.concepts]
    nowhere = [c for c, n in zip(plan.concepts, frequencies, strict=True) if not n]
    fixes: dict[str, str] = {}
    for suspect in suspects(plan, nowhere):
        if worth_checking(suspect, plan, fixes):
            meant = await _meant(index, suspect)
            if meant is not None:
                fixes[suspect] = meant
    did_you_mean = None
    if fixes:
        corrected = plan.corrected(fixes)
        asked = await index.search(**search_request(query, corrected))
        corrected_result = search_result(query, corrected, asked)
        if corrected_result.total:
            plan, result, did_you_mean = corrected, corrected_result, corrected.query
            frequencies = [await _count(index, concept) for concept in plan.concepts]
    if broadens(plan, result.total, query.page_size):
        documents = (await index.get_stats()).number_of_documents
        found = await index.search(**candidates_request(query, plan))
        result = broadened_result(query, plan, found.hits, frequencies, documents)
    return dataclasses.replace(result, did_you_mean=did_you_mean)
