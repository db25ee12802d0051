"""What the search API and pages read from a query string and answer with."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from core.categories import TopCategory
from core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from demand.models import Urgency
from search.backend import Facet, SearchFilters, SearchHit, SearchQuery, SearchResult, Sort
from search.documents import Kind

MAX_QUERY_LENGTH = 100
MAX_PAGE = 500
"""Nobody pages that far; a bound keeps a crafted request from asking an engine for millions."""
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


class SearchParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUERY_LENGTH)] = ""
    kind: Kind | None = None
    category: TopCategory | None = None
    subcategory: Annotated[str, StringConstraints(max_length=40)] | None = None
    county: RegionCode | None = None
    township: RegionCode | None = None
    urgency: Urgency | None = None
    state: Literal["published", "expired"] | None = None
    """As people see it: still open, or past its deadline."""
    sort: Sort = Sort.RELEVANCE
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def query(self, facets: frozenset[Facet] = frozenset()) -> SearchQuery:
        return SearchQuery(
            text=self.q,
            filters=SearchFilters(
                kind=self.kind,
                category=self.category and self.category.value,
                subcategory=self.subcategory,
                county=self.county,
                township=self.township,
                urgency=self.urgency and self.urgency.value,
                state=self.state,
            ),
            facets=facets,
            sort=self.sort,
            page=self.page,
            page_size=self.page_size,
        )


class SearchItem(BaseModel):
    id: str
    kind: Kind
    entry_id: str
    title: str
    title_html: str
    """HTML-escaped, matches in ``<mark>``."""
    snippet: str
    """An HTML-escaped excerpt of the description, matches in ``<mark>``."""
    url: str


class SearchAnswer(BaseModel):
    """``{"items", "total", "page", "page_size"}`` like every list, plus facet counts, the
    engine that answered and whether the answer may be incomplete."""

    items: list[SearchItem]
    total: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]]
    engine: str
    degraded: bool
    broadened: bool
    """Some items lack some of the words (every word found less than a page); they follow
    the items that have them all."""
    did_you_mean: str | None
    """The query searched instead of the one asked, which found nothing (a typo corrected)."""


def entry_path(hit: SearchHit) -> str:
    return f"/catalogue/{hit.kind}s/{hit.entry_id}"


def search_answer(result: SearchResult) -> SearchAnswer:
    return SearchAnswer(
        items=[
            SearchItem(
                id=hit.id,
                kind=hit.kind,
                entry_id=hit.entry_id,
                title=hit.title,
                title_html=hit.title_html,
                snippet=hit.snippet,
                url=entry_path(hit),
            )
            for hit in result.hits
        ],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
        facets={facet.value: counts for facet, counts in result.facets.items()},
        engine=result.engine,
        degraded=result.degraded,
        broadened=result.broadened,
        did_you_mean=result.did_you_mean,
    )
