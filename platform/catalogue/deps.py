"""Dependency providers shared by the catalogue's controllers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.params import QueryParameter
from pydantic import ValidationError

from catalogue.schemas import EntryFilters
from core.errors import N_, InvalidInput
from core.forms import problems_of


async def provide_entry_filters(
    category: Annotated[str | None, QueryParameter(description="Top category")] = None,
    subcategory: Annotated[str | None, QueryParameter(description="Sub-category code")] = None,
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
    township: Annotated[str | None, QueryParameter(description="Township code")] = None,
    entry_state: Annotated[
        str | None, QueryParameter(name="state", description="Workflow state")
    ] = None,
    q: Annotated[str | None, QueryParameter(description="Words in the title")] = None,
) -> EntryFilters:
    """The catalogue filters from the query string; empty values mean "any"."""
    given: dict[str, Any] = {
        key: value
        for key, value in {
            "category": category,
            "subcategory": subcategory,
            "county": county,
            "township": township,
            "state": entry_state,
            "q": q,
        }.items()
        if value
    }
    try:
        return EntryFilters.model_validate(given)
    except ValidationError as error:
        raise InvalidInput(
            N_("Some filters are not valid."), problems=problems_of(error)
        ) from error
