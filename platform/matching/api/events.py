"""The signing events JSON API (reviewers): create, plan, edit the draft, propose it all."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from core.access import roles
from core.error_contract import error_responses
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, provide_page_request
from matching.conversion import preview, propose_all
from matching.deps import provide_events
from matching.event_schemas import (
    ConversionRead,
    EventIn,
    EventRead,
    PairIn,
    PlanIn,
    PreviewRead,
    conversion_read,
    event_read,
)
from matching.events import EventService

REVIEWERS = roles(Role.REVIEWER)


class EventApiController(Controller):
    path = "/api/v1/events"
    tags = ["matching"]
    dependencies = {
        "events": Provide(provide_events),
        "page_request": Provide(provide_page_request),
    }

    @get(
        "/",
        opt=REVIEWERS,
        summary="Signing events, latest first",
        responses=error_responses(400, 401, 403),
    )
    async def list_events(
        self, events: NamedDependency[EventService], page_request: NamedDependency[PageRequest]
    ) -> Page[EventRead]:
        return (await events.page(page_request)).to_page(event_read)

    @post(
        "/",
        opt={**REVIEWERS, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Create a signing event",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_event(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        data: JSONBody[EventIn],
    ) -> EventRead:
        event = await events.create(
            **data.model_dump(), identity=request.user, actor=actor_of(request)
        )
        return event_read(event)

    @get(
        "/{event_id:uuid}",
        opt=REVIEWERS,
        summary="An event with its draft plan",
        responses=error_responses(400, 401, 403, 404),
    )
    async def get_event(
        self, events: NamedDependency[EventService], event_id: FromPath[UUID]
    ) -> EventRead:
        return event_read(await events.get(event_id))

    @post(
        "/{event_id:uuid}/plan",
        opt=REVIEWERS,
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404),
    )
    async def plan(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        event_id: FromPath[UUID],
        data: Annotated[PlanIn | None, Body(description="k: candidates kept per need")] = None,
    ) -> EventRead:
        """Replace the draft with the optimal plan: highest total score with every coverable
        county in scope covered; the others are listed with the reason."""
        k = (data or PlanIn()).k
        event = await events.plan(event_id, request.user, actor_of(request), k=k)
        return event_read(event)

    @post(
        "/{event_id:uuid}/pairs",
        opt={**REVIEWERS, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        responses=error_responses(400, 401, 403, 404, 422),
    )
    async def add_pair(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        event_id: FromPath[UUID],
        data: JSONBody[PairIn],
    ) -> EventRead:
        return event_read(
            await events.add_pair(event_id, data.need_id, data.offer_id, actor_of(request))
        )

    @delete(
        "/{event_id:uuid}/pairs/{pair_id:uuid}",
        opt=REVIEWERS,
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404),
    )
    async def drop_pair(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        event_id: FromPath[UUID],
        pair_id: FromPath[UUID],
    ) -> EventRead:
        return event_read(await events.drop_pair(event_id, pair_id, actor_of(request)))

    @get(
        "/{event_id:uuid}/proposals",
        opt=REVIEWERS,
        summary="Preview of the proposals",
        responses=error_responses(400, 401, 403, 404),
    )
    async def preview_proposals(
        self, events: NamedDependency[EventService], event_id: FromPath[UUID]
    ) -> PreviewRead:
        """How many proposals confirming would send, to how many organizations, per county."""
        found = preview(await events.get(event_id))
        return PreviewRead(
            pairs=found.pairs,
            organizations=found.organizations,
            by_county=found.by_county,
            already_proposed=found.already_proposed,
        )

    @post(
        "/{event_id:uuid}/proposals",
        opt={**REVIEWERS, **IDEMPOTENT},
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404, 422),
    )
    async def propose_all(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        event_id: FromPath[UUID],
    ) -> ConversionRead:
        """Turn every pair not yet proposed into a proposal; refused ones are listed."""
        conversion = await propose_all(
            events, event_id, request.user, actor_of(request), locale_of(request)
        )
        return conversion_read(conversion)
