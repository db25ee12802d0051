"""How documents, queries, filters and settings are put to Meilisearch, and its answers read."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

from meilisearch_python_sdk.models.search import SearchResults
from meilisearch_python_sdk.models.settings import (
    Faceting,
    LocalizedAttributes,
    MeilisearchSettings,
    Pagination,
    TypoTolerance,
)

from search.analysis import (
    HAN,
    Concept,
    QueryPlan,
    infix_terms,
    pinyin_terms,
    synonym_words,
    synonyms_by_pinyin,
    synonyms_of,
)
from search.analysis import words as word_terms
from search.backend import Facet, SearchFilters, SearchHit, SearchQuery, SearchResult, Sort
from search.documents import SearchDocument
from search.highlight import highlight, snippet

ENGINE = "meilisearch"
PRIMARY_KEY = "id"
REBUILD_SUFFIX = "_rebuild"
SEARCHABLE = ("title_words", "pinyin", "words", "infix")
"""In rank order, as the embedded engine weighs its columns: a title word first, a bigram last."""
FILTERABLE = (
    "kind",
    "category",
    "subcategory",
    "county_codes",
    "township_codes",
    "urgency",
    "state",
)
SORTABLE = ("published_at", "amount", "deadline")
RETRIEVED = [PRIMARY_KEY, "kind", "title", "description"]
TOKEN_FIELDS = ["title_words", "words", "infix", "pinyin"]
"""Retrieved too where Python must tell which concepts a hit holds, and how."""
LOCALES = ["eng"]
"""Every searchable token is ASCII: pinning the locale keeps Meilisearch from guessing a
language for them (a German guess would split words into dictionary words)."""
MAX_TOTAL_HITS = 10_000
"""The deepest result Meilisearch pages to; totals are exact up to this many."""
MAX_FACET_VALUES = 500
SEARCH_CUTOFF_MS = 150
WRITE_WAIT_MS = 30_000
"""How long an upsert, delete or clear waits for its task (the indexer's lease is 60 s)."""
INDEX_WAIT_MS = 30 * 60_000
"""How long settings, a rebuild's batches and the swap may take (settings reindex everything)."""
POLL_MS = 100

_MARK = "v"
"""Starts every encoded token. No pinyin term starts with v, and a plain term that does is
encoded too, so an encoded token never equals, nor is prefixed by, a plain one."""
_CONSONANT_DIGITS = "bcdfghjklmnpqrst"
_CONSONANTS = str.maketrans("0123456789abcdef", _CONSONANT_DIGITS)
_DIGITS = str.maketrans(_CONSONANT_DIGITS, "0123456789abcdef")
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_WORD = re.compile(f"[{HAN}]+")
_KEY_SAFE = frozenset(string.ascii_letters + string.digits + "-")

_FILTER_ATTRIBUTES = {
    "kind": "kind",
    "category": "category",
    "subcategory": "subcategory",
    "county": "county_codes",
    "township": "township_codes",
    "urgency": "urgency",
    "state": "state",
}
FACET_ATTRIBUTES = {
    Facet.KIND: "kind",
    Facet.CATEGORY: "category",
    Facet.SUBCATEGORY: "subcategory",
    Facet.COUNTY: "county_codes",
    Facet.URGENCY: "urgency",
    Facet.STATE: "state",
}
_SORTS = {
    Sort.NEWEST: ["published_at:desc"],
    Sort.AMOUNT: ["amount:desc", "published_at:desc"],
    Sort.DEADLINE: ["deadline:asc", "published_at:desc"],
}


def token(term: str) -> str:
    """The Meilisearch word for a term: plain ASCII as it is; anything else as the mark and
    five consonants per character (the hex of its code point; every letter and digit is below
    U+100000). Meilisearch's tokenizer keeps such a word whole, and having no vowel it holds no
    dictionary word of any language."""
    if term.isascii() and not term.startswith(_MARK):
        return term
    return _MARK + "".join(f"{ord(char):05x}" for char in term).translate(_CONSONANTS)


def engine_key(document_id: str) -> str:
    """The Meilisearch id of a document, which may hold ASCII letters, digits, ``-`` and ``_``
    only: every other character, and ``_`` itself, becomes ``_`` and the hex of each UTF-8
    byte (``need:<uuid>`` → ``need_3a<uuid>``), so distinct ids stay distinct."""
    return "".join(
        char if char in _KEY_SAFE else "".join(f"_{byte:02x}" for byte in char.encode())
        for char in document_id
    )


def document_id_of(key: str) -> str:
    """The document id an `engine_key` was made from."""
    return unquote(key.replace("_", "%"))


def term_of(word: str) -> str:
    """The term a Meilisearch word stands for (`token` undone)."""
    digits = word[len(_MARK) :]
    if not word.startswith(_MARK) or len(digits) % 5 or set(digits) - set(_CONSONANT_DIGITS):
        return word
    hexadecimal = digits.translate(_DIGITS)
    return "".join(chr(int(hexadecimal[i : i + 5], 16)) for i in range(0, len(hexadecimal), 5))


def _tokens(terms: Iterable[str]) -> str:
    return " ".join(token(term) for term in terms)


@cache
def _long_synonyms() -> tuple[str, ...]:
    """Chinese synonyms of three characters or more: shorter ones are bigrams or characters,
    which every document has as tokens already."""
    return tuple(word for word in synonym_words() if len(word) > 2 and _HAN_WORD.fullmatch(word))


def _infix(text: str) -> list[str]:
    """The bigrams in order (a quoted query phrase needs them adjacent), then each character
    once, then the long synonyms the text contains; these are all of other lengths than a
    bigram, so they never complete a phrase."""
    return [
        *infix_terms(text),
        *dict.fromkeys(_HAN_CHAR.findall(text)),
        *(word for word in _long_synonyms() if word in text),
    ]


def _timestamp(value: datetime) -> float:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.timestamp()


def meili_document(document: SearchDocument) -> dict[str, Any]:
    """What Meilisearch stores for a document: the shown and filtered fields as they are, the
    four searchable fields as tokens, the amount as a number (for sorting only)."""
    other = document.body_text
    return {
        PRIMARY_KEY: engine_key(document.id),
        "kind": document.kind,
        "title": document.title,
        "description": document.description,
        "category": document.category,
        "subcategory": document.subcategory,
        "county_codes": list(document.county_codes),
        "township_codes": list(document.township_codes),
        "urgency": document.urgency,
        "state": document.state,
        "published_at": _timestamp(document.published_at),
        "deadline": document.deadline.isoformat(),
        "amount": float(document.amount),
        "title_words": _tokens(word_terms(document.title)),
        "pinyin": _tokens(pinyin_terms(document.title)),
        "words": _tokens(word_terms(other)),
        "infix": _tokens(_infix(f"{document.title} {other}")),
    }


def _is_pinyin(concept: Concept) -> bool:
    return concept.pinyin is not None and not concept.pinyin.startswith(_MARK)


def _term(concept: Concept) -> str:
    """A concept with synonyms as its one token, left unquoted for the synonyms setting to
    expand; any other as a quoted phrase (exact: no prefix, no split into two words): its
    bigrams for a Chinese word, else its own token."""
    if len(concept.words) > 1:
        return token(concept.text)
    phrase = concept.infix[0] if concept.infix else (concept.text,)
    return f'"{_tokens(phrase)}"'


def query_string(plan: QueryPlan) -> str:
    """Meilisearch's ``q`` for a plan: one term per concept (all required with
    ``matchingStrategy: all``), the last concept that may be pinyin last and unquoted, so it
    matches as a prefix."""
    prefix = next((concept for concept in reversed(plan.concepts) if _is_pinyin(concept)), None)
    terms = [_term(concept) for concept in plan.concepts if concept is not prefix]
    if prefix is not None:
        terms.append(token(prefix.text))
    return " ".join(terms)


def _literal(value: str) -> str:
    """A filter value as one double-quoted literal: Meilisearch's filter parser reads ``\\"``
    as a quote and ``\\\\`` as a backslash."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(filters: SearchFilters) -> str | None:
    clauses = [
        f"{attribute} = {_literal(value)}"
        for name, attribute in _FILTER_ATTRIBUTES.items()
        if (value := getattr(filters, name)) is not None
    ]
    return " AND ".join(clauses) or None


def sort_criteria(sort: Sort, plan: QueryPlan) -> list[str] | None:
    """None ranks by relevance; with no text to rank by, relevance is newest first."""
    if sort is Sort.RELEVANCE and not plan.is_empty:
        return None
    return _SORTS.get(sort, _SORTS[Sort.NEWEST])


def _widened(plan: QueryPlan) -> bool:
    return any(len(concept.words) > 1 for concept in plan.concepts)


def holds(concept: Concept, hit: dict[str, Any], *, as_typed: bool = False) -> bool:
    """Whether a hit (retrieved with `TOKEN_FIELDS`) has the concept, as the engine matches
    it: a word of it in the word fields, its bigram phrase in the infix field, one character
    there, or its letters starting a pinyin term; ``as_typed``, by the typed word only."""
    words = {*hit["title_words"].split(), *hit["words"].split()}
    infix = f" {hit['infix']} "
    typed = concept.text
    alternatives = (typed,) if as_typed else concept.words
    phrases = (
        ([_bigrams(typed)] if _HAN_WORD.fullmatch(typed) and len(typed) > 1 else [])
        if as_typed
        else list(concept.infix)
    )
    return (
        any(token(word) in words for word in alternatives)
        or any(f" {_tokens(phrase)} " in infix for phrase in phrases)
        or (concept.infix_prefix is not None and f" {token(concept.infix_prefix)} " in infix)
        or (
            concept.pinyin is not None
            and any(term.startswith(concept.pinyin) for term in hit["pinyin"].split())
        )
    )


def typed_first(plan: QueryPlan, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hits with those saying more of the widened words as typed first (红薯 above an
    entry that says only 地瓜), Meilisearch's order kept among equals. Meilisearch ranks a
    synonym as the word itself, and this reorders one page, not the whole result."""
    widened = [concept for concept in plan.concepts if len(concept.words) > 1]
    if not widened:
        return hits
    return sorted(hits, key=lambda hit: -sum(holds(c, hit, as_typed=True) for c in widened))


def _bigrams(word: str) -> tuple[str, ...]:
    return tuple(word[i : i + 2] for i in range(len(word) - 1))


def search_request(query: SearchQuery, plan: QueryPlan) -> dict[str, Any]:
    """The arguments of `AsyncIndex.search` for a query; ``page`` and ``hits_per_page`` make
    Meilisearch count every match (up to `MAX_TOTAL_HITS`). The tokens come back too when a
    word has synonyms, to put the typed word first (`typed_first`)."""
    return {
        "query": query_string(plan) or None,
        "filter": filter_expression(query.filters),
        "facets": [FACET_ATTRIBUTES[facet] for facet in sorted(query.facets)] or None,
        "sort": sort_criteria(query.sort, plan),
        "page": query.page,
        "hits_per_page": query.page_size,
        "matching_strategy": "all",
        "attributes_to_retrieve": RETRIEVED + (TOKEN_FIELDS if _widened(plan) else []),
        "show_ranking_score": True,
        "locales": LOCALES,
    }


def search_hit(hit: dict[str, Any], plan: QueryPlan, score: float) -> SearchHit:
    return SearchHit(
        id=document_id_of(hit[PRIMARY_KEY]),
        kind=hit["kind"],
        title=hit["title"],
        title_html=highlight(hit["title"], plan),
        snippet=snippet(hit["description"], plan),
        score=score,
    )


def search_result(query: SearchQuery, plan: QueryPlan, found: SearchResults) -> SearchResult:
    distribution = found.facet_distribution or {}
    hits = typed_first(plan, found.hits) if found.hits and "words" in found.hits[0] else found.hits
    scores = sorted((hit["_rankingScore"] for hit in hits), reverse=True)
    return SearchResult(
        hits=[search_hit(hit, plan, score) for hit, score in zip(hits, scores, strict=True)],
        total=found.total_hits or 0,
        facets={
            facet: dict(distribution.get(FACET_ATTRIBUTES[facet], {})) for facet in query.facets
        },
        page=query.page,
        page_size=query.page_size,
        engine=ENGINE,
    )


def _synonyms() -> dict[str, list[str]]:
    """Each word's token mapped to the tokens of the rest of its group, and the full pinyin of
    each Chinese synonym to the tokens of its group (digua → 地瓜, 红薯, …)."""
    by_word = {
        token(word): sorted(token(other) for other in synonyms_of(word) - {word})
        for word in synonym_words()
    }
    by_pinyin = {
        spelled: sorted(token(word) for word in group)
        for spelled, group in synonyms_by_pinyin().items()
    }
    return {**by_pinyin, **by_word}


def index_settings(ranking_rules: Sequence[str]) -> MeilisearchSettings:
    """The index's settings. ``ranking_rules`` are the index's current ones, reordered with
    ``sort`` first: an explicit sort orders every match, as in the embedded engine, and without
    one the text rules rank. Typos are off: a token one letter off is another character."""
    return MeilisearchSettings(
        searchable_attributes=list(SEARCHABLE),
        filterable_attributes=list(FILTERABLE),
        sortable_attributes=list(SORTABLE),
        ranking_rules=["sort", *(rule for rule in ranking_rules if rule != "sort")],
        synonyms=_synonyms(),
        typo_tolerance=TypoTolerance(enabled=False),
        localized_attributes=[
            LocalizedAttributes(locales=LOCALES, attribute_patterns=list(SEARCHABLE))
        ],
        faceting=Faceting(
            max_values_per_facet=MAX_FACET_VALUES, sort_facet_values_by={"*": "count"}
        ),
        pagination=Pagination(max_total_hits=MAX_TOTAL_HITS),
        search_cutoff_ms=SEARCH_CUTOFF_MS,
        facet_search=False,
    )
