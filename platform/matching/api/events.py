"""The signing events JSON API (reviewers): create, plan (in the background, polled), edit the
draft, propose it all."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import Body, FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from core.access import roles
from core.error_contract import error_responses
from core.errors import N_
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, provide_page_request
from matching.conversion import preview, propose_all
from matching.deps import provide_events, provide_plan_runs, start_plans
from matching.event_schemas import (
    ConversionRead,
    EventIn,
    EventRead,
    PairIn,
    PlanIn,
    PlanRunRead,
    PreviewRead,
    conversion_read,
    event_read,
    plan_run_read,
    plan_run_url,
)
from matching.events import EventService
from matching.plan_runs import PlanRunNotFound, PlanRunService

REVIEWERS = roles(Role.REVIEWER)


class EventApiController(Controller):
    path = "/api/v1/events"
    tags = ["matching"]
    dependencies = {
        "events": Provide(provide_events),
        "plan_runs": Provide(provide_plan_runs),
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
        status_code=HTTP_202_ACCEPTED,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def plan(
        self,
        request: Request[Identity, Any, Any],
        plan_runs: NamedDependency[PlanRunService],
        event_id: FromPath[UUID],
        data: Annotated[PlanIn | None, Body(description="k: candidates kept per need")] = None,
    ) -> Response[PlanRunRead]:
        """Queue the optimal plan (highest total score with every coverable county in scope
        covered; the others listed with the reason) and answer at once with the run's URL;
        409 while another plan of the event is under way. The run replaces the draft when
        it is done."""
        k = (data or PlanIn()).k
        run = await plan_runs.request(event_id, request.user, actor_of(request), k)
        return Response(
            plan_run_read(run),
            status_code=HTTP_202_ACCEPTED,
            headers={"Location": plan_run_url(run)},
            background=start_plans(request.app.state),
        )

    @get(
        "/{event_id:uuid}/plan",
        opt=REVIEWERS,
        summary="The event's latest plan run",
        responses=error_responses(400, 401, 403, 404),
    )
    async def latest_plan(
        self, plan_runs: NamedDependency[PlanRunService], event_id: FromPath[UUID]
    ) -> PlanRunRead:
        run = await plan_runs.latest(event_id)
        if run is None:
            raise PlanRunNotFound(N_("This event has not been planned yet."))
        return plan_run_read(run)

    @get(
        "/{event_id:uuid}/plans/{run_id:uuid}",
        opt=REVIEWERS,
        summary="A plan run: state, progress, result",
        responses=error_responses(400, 401, 403, 404),
    )
    async def plan_run(
        self,
        plan_runs: NamedDependency[PlanRunService],
        event_id: FromPath[UUID],
        run_id: FromPath[UUID],
    ) -> PlanRunRead:
        return plan_run_read(await plan_runs.get(event_id, run_id))

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
