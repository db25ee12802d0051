"""The one interface both search engines implement, and the shapes they answer in.

Pages and the API talk to a `SearchBackend` and never to an engine, so the embedded engine
(the default, no server) and Meilisearch are interchangeable and pass the same contract suite
(``tests/search/contract.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from search.documents import Kind, SearchDocument

MAX_PAGE_SIZE = 100


class Facet(StrEnum):
    KIND = "kind"
    CATEGORY = "category"
    SUBCATEGORY = "subcategory"
    COUNTY = "county"
    URGENCY = "urgency"
    STATE = "state"


class Sort(StrEnum):
    RELEVANCE = "relevance"
    """Best match first; newest first when there is no text."""
    NEWEST = "newest"
    AMOUNT = "amount"
    """Largest yuan amount sought or offered first."""
    DEADLINE = "deadline"
    """Soonest deadline (or end of validity) first."""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Exact-value filters; None means any. County and township match any region an offer
    serves."""

    kind: Kind | None = None
    category: str | None = None
    subcategory: str | None = None
    county: str | None = None
    township: str | None = None
    urgency: str | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    facets: frozenset[Facet] = frozenset()
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        if self.page < 1:
            msg = "page starts at 1"
            raise ValueError(msg)
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            msg = f"page_size must be between 1 and {MAX_PAGE_SIZE}"
            raise ValueError(msg)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    kind: Kind
    title: str
    title_html: str
    """The title HTML-escaped, matched words in ``<mark>``."""
    snippet: str
    """An excerpt of the description, HTML-escaped, matched words in ``<mark>``."""
    score: float
    """Higher is better; comparable only within one result."""

    @property
    def entry_id(self) -> str:
        """The need's or offer's own id (``id`` is the document's: kind and entry id)."""
        return self.id.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[Facet, dict[str, int]]
    """For each facet asked for, the matching documents per value."""
    page: int
    page_size: int
    engine: str
    degraded: bool = False
    """True when the answer is incomplete (an engine was unreachable and a fallback answered)."""
    broadened: bool = False
    """Some hits lack some of the words: every word found less than a page, so matches with
    most of them follow the complete ones (`search.leniency`)."""
    did_you_mean: str | None = None
    """The query searched instead, when a word found nowhere was taken for a typo (核挑 →
    核桃); None when the query was searched as typed."""


class SearchBackend(Protocol):
    engine: str

    async def prepare(self) -> None:
        """Create the index if missing and bring its settings up to date; safe to call at
        every start."""

    async def rebuild(self, batches: AsyncIterable[Sequence[SearchDocument]]) -> int:
        """Index every document into a new index while the live one keeps answering, then make
        the new one live; returns how many documents it was given."""

    async def upsert(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents by id; upserting the same document twice keeps one."""

    async def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def clear(self) -> None:
        """Remove every document (before a full reindex)."""

    async def count(self) -> int: ...

    async def health(self) -> bool: ...

    async def close(self) -> None:
        """Release connections and threads; the backend is not used afterwards."""
