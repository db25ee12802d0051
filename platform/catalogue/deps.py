"""Dependency providers shared by the catalogue's controllers."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from catalogue.schemas import EntryFilters
from core.errors import N_
from core.forms import parse_query


async def provide_entry_filters(
    category: Annotated[str | None, QueryParameter(description="Top category")] = None,
    subcategory: Annotated[str | None, QueryParameter(description="Sub-category code")] = None,
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
    township: Annotated[str | None, QueryParameter(description="Township code")] = None,
    entry_state: Annotated[
        str | None, QueryParameter(name="state", description="Workflow state")
    ] = None,
    q: Annotated[str | None, QueryParameter(description="Words in the title")] = None,
    sort: Annotated[
        str | None,
        QueryParameter(description="newest (default), amount, deadline or urgency (needs)"),
    ] = None,
) -> EntryFilters:
    """The catalogue filters from the query string; empty values mean "any"."""
    return parse_query(
        EntryFilters,
        N_("Some filters are not valid."),
        category=category,
        subcategory=subcategory,
        county=county,
        township=township,
        state=entry_state,
        q=q,
        sort=sort,
    )
