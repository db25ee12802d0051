"""The add-by-hand picker of a signing event's page: a reviewer types a few words and chooses
among the published needs (of one of the event's counties) or offers that match, ten at a
time, through the search engine. The page never lists the catalogue: at province scale that is
a hundred thousand entries per view."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from accounts.models import Role
from core.access import roles
from matching.deps import provide_events
from matching.events import EventService
from search.backend import SearchFilters, SearchQuery
from search.deps import provide_search
from search.service import SearchService

PICKED = 10
"""Choices shown at a time; "more" asks for the next ten."""
MAX_PAGE = 50

PickedKind = Literal["need", "offer"]


class EventPickerController(Controller):
    include_in_schema = False
    dependencies = {"events": Provide(provide_events), "search": Provide(provide_search)}

    @get(
        "/events/{event_id:uuid}/_pick/{kind:str}",
        name="matching:event-pick",
        opt=roles(Role.REVIEWER),
    )
    async def pick(
        self,
        events: NamedDependency[EventService],
        search: NamedDependency[SearchService],
        event_id: FromPath[UUID],
        kind: FromPath[PickedKind],
        words: Annotated[str, QueryParameter(max_length=100)] = "",
        county: Annotated[str | None, QueryParameter(pattern=r"^\d{12}$")] = None,
        page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        """The published entries matching the words (the newest without words); needs only
        in the chosen county of the event (its first when none or another is asked for)."""
        event = await events.get(event_id)
        if kind == "need" and county not in event.county_codes:
            county = event.county_codes[0]
        result = await search.search(
            SearchQuery(
                text=words.strip(),
                filters=SearchFilters(
                    kind=kind, state="published", county=county if kind == "need" else None
                ),
                page=page,
                page_size=PICKED,
            )
        )
        return Template(
            "matching/_pick.html",
            context={
                "event": event,
                "kind": kind,
                "hits": result.hits,
                "words": words,
                "county": county,
                "page": page,
                "more": page < MAX_PAGE and page * PICKED < result.total,
                "degraded": result.degraded,
            },
            headers={"Vary": "HX-Request"},
        )
