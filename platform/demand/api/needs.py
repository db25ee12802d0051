"""The needs JSON API: list with filters, create, read, update with a version, delete drafts,
the workflow steps and verification."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.schemas import EntryFilters, StepRequest
from catalogue.workflow import Transition, shown_state
from core.access import PUBLIC, SIGNED_IN, roles
from core.clock import local_date
from core.database import READS_ONLY
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest
from demand.deps import NEED_DEPENDENCIES
from demand.models import Need, Urgency
from demand.policy import sees_need_contact
from demand.repository import ListedNeed
from demand.schemas import NeedFields, NeedRead, NeedUpdate, listed_need_read, need_read
from demand.service import NeedService


def _view(needs: NeedService, need: Need, identity: Identity | None) -> NeedRead:
    today = local_date(needs.clock())
    return need_read(
        need,
        shown_state=shown_state(need.state, need.deadline, today),
        with_contact=sees_need_contact(identity, need),
    )


def _listed_view(needs: NeedService, listed: ListedNeed, identity: Identity | None) -> NeedRead:
    row = listed.row
    return listed_need_read(
        listed,
        shown_state=shown_state(row.state, row.deadline, local_date(needs.clock())),
        with_contact=sees_need_contact(identity, row),
    )


class NeedApiController(Controller):
    path = "/api/v1/needs"
    opt = READS_ONLY
    tags = ["needs"]
    dependencies = NEED_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Needs: published ones, or all for reviewers",
        responses=error_responses(400, 403),
    )
    async def list_needs(
        self,
        request: Request[Any, Any, Any],
        needs: NamedDependency[NeedService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[EntryFilters],
        urgency: Annotated[Urgency | None, QueryParameter(description="red, yellow, green")] = None,
        mine: Annotated[bool, QueryParameter(description="My township's needs")] = False,
    ) -> Page[NeedRead]:
        identity = request.scope.get("user")

        async def answer() -> Page[NeedRead]:
            found = await needs.listed(page_request, filters, identity, urgency=urgency, mine=mine)
            return found.to_page(lambda need: _listed_view(needs, need, identity))

        question = (filters, page_request, urgency)
        return await needs.answer_list(question, identity, mine=mine, answer=answer)

    @post(
        "/",
        opt={**roles(Role.STATION_WORKER, Role.REVIEWER), **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Create a draft",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_need(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        data: JSONBody[NeedFields],
    ) -> NeedRead:
        need = await needs.create(data, request.user, actor_of(request))
        return _view(needs, need, request.user)

    @get("/{need_id:uuid}", opt=PUBLIC, summary="One need", responses=error_responses(400, 404))
    async def get_need(
        self,
        request: Request[Any, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
    ) -> NeedRead:
        identity = request.scope.get("user")
        return _listed_view(needs, await needs.require_listed(need_id, identity), identity)

    @patch(
        "/{need_id:uuid}",
        opt=SIGNED_IN,
        summary="Edit a draft (send the version you saw)",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def update_need(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
        data: JSONBody[NeedUpdate],
    ) -> NeedRead:
        need = await needs.update(need_id, data, request.user, actor_of(request))
        return _view(needs, need, request.user)

    @delete(
        "/{need_id:uuid}",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def delete_need(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
    ) -> None:
        """Deletes the draft; its photo files go with the next sweep of unnamed files."""
        await needs.delete_draft(need_id, request.user, actor_of(request))

    @post(
        "/{need_id:uuid}/verify",
        opt=roles(Role.REVIEWER),
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def verify_need(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
    ) -> NeedRead:
        """A reviewer confirms the published need on the ground (核实)."""
        need = await needs.verify(need_id, request.user, actor_of(request))
        return _view(needs, need, request.user)

    @post(
        "/{need_id:uuid}/{step:str}",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
        step: FromPath[Transition],
        data: Annotated[
            StepRequest | None, Body(description="cause, reason, version, confirm")
        ] = None,
    ) -> NeedRead:
        """``submit``, ``approve``, ``return`` (with a reason), ``withdraw`` or ``close``."""
        need = await needs.require(need_id, request.user)
        await needs.take_step(need, step, request.user, actor_of(request), data or StepRequest())
        return _view(needs, need, request.user)
