"""Dependency providers for the search API and pages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from core.clock import Clock, local_date
from core.errors import N_
from core.forms import parse_query
from core.recent import PublicMemory
from search.runtime import SearchRuntime
from search.schemas import SearchParams
from search.service import SearchService


async def provide_search_params(
    q: Annotated[
        str | None, QueryParameter(description="What to look for, in Chinese or pinyin")
    ] = None,
    kind: Annotated[str | None, QueryParameter(description="need or offer")] = None,
    category: Annotated[str | None, QueryParameter(description="Top category")] = None,
    subcategory: Annotated[str | None, QueryParameter(description="Sub-category code")] = None,
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
    township: Annotated[str | None, QueryParameter(description="Township code")] = None,
    urgency: Annotated[str | None, QueryParameter(description="red, yellow or green")] = None,
    entry_state: Annotated[
        str | None, QueryParameter(name="state", description="published or expired")
    ] = None,
    sort: Annotated[
        str | None, QueryParameter(description="relevance, newest, amount or deadline")
    ] = None,
    page: Annotated[str | None, QueryParameter(description="From 1")] = None,
    page_size: Annotated[str | None, QueryParameter(description="1 to 100")] = None,
) -> SearchParams:
    """The search from the query string; empty values mean "any". Everything arrives as text
    so that a bad value is one clear 400 naming the field, never a 500."""
    return parse_query(
        SearchParams,
        N_("Some search options are not valid."),
        q=q,
        kind=kind,
        category=category,
        subcategory=subcategory,
        county=county,
        township=township,
        urgency=urgency,
        state=entry_state,
        sort=sort,
        page=page,
        page_size=page_size,
    )


async def provide_search(
    request: Request[Any, Any, Any],
    clock: NamedDependency[Clock],
    public_memory: NamedDependency[PublicMemory],
) -> SearchService:
    runtime: SearchRuntime = request.app.state.search
    return SearchService(
        runtime.backend,
        runtime.watch,
        runtime.session_maker,
        local_date(clock()),
        public_memory.searches,
    )


SEARCH_DEPENDENCIES = {
    "params": Provide(provide_search_params),
    "search": Provide(provide_search),
}
