"""The offers JSON API: list with filters, create, read, update with a version, delete drafts,
and the workflow steps."""

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
from supply.deps import OFFER_DEPENDENCIES
from supply.models import Offer
from supply.policy import sees_offer_contact
from supply.repository import ListedOffer
from supply.schemas import OfferFields, OfferRead, OfferUpdate, listed_offer_read, offer_read
from supply.service import OfferService


def _view(offers: OfferService, offer: Offer, identity: Identity | None) -> OfferRead:
    today = local_date(offers.clock())
    return offer_read(
        offer,
        shown_state=shown_state(offer.state, offer.valid_until, today),
        with_contact=sees_offer_contact(identity, offer),
    )


def _listed_view(offers: OfferService, listed: ListedOffer, identity: Identity | None) -> OfferRead:
    row = listed.row
    return listed_offer_read(
        listed,
        shown_state=shown_state(row.state, row.valid_until, local_date(offers.clock())),
        with_contact=sees_offer_contact(identity, row),
    )


class OfferApiController(Controller):
    path = "/api/v1/offers"
    opt = READS_ONLY
    tags = ["offers"]
    dependencies = OFFER_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Offers: published ones, or all for reviewers",
        responses=error_responses(400, 403),
    )
    async def list_offers(
        self,
        request: Request[Any, Any, Any],
        offers: NamedDependency[OfferService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[EntryFilters],
        mine: Annotated[bool, QueryParameter(description="My organization's offers")] = False,
    ) -> Page[OfferRead]:
        identity = request.scope.get("user")

        async def answer() -> Page[OfferRead]:
            found = await offers.listed(page_request, filters, identity, mine=mine)
            return found.to_page(lambda offer: _listed_view(offers, offer, identity))

        question = (filters, page_request)
        return await offers.answer_list(question, identity, mine=mine, answer=answer)

    @post(
        "/",
        opt={**roles(Role.MEMBER), **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Create a draft",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_offer(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        data: JSONBody[OfferFields],
    ) -> OfferRead:
        offer = await offers.create(data, request.user, actor_of(request))
        return _view(offers, offer, request.user)

    @get("/{offer_id:uuid}", opt=PUBLIC, summary="One offer", responses=error_responses(400, 404))
    async def get_offer(
        self,
        request: Request[Any, Any, Any],
        offers: NamedDependency[OfferService],
        offer_id: FromPath[UUID],
    ) -> OfferRead:
        identity = request.scope.get("user")
        return _listed_view(offers, await offers.require_listed(offer_id, identity), identity)

    @patch(
        "/{offer_id:uuid}",
        opt=SIGNED_IN,
        summary="Edit a draft (send the version you saw)",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def update_offer(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        offer_id: FromPath[UUID],
        data: JSONBody[OfferUpdate],
    ) -> OfferRead:
        offer = await offers.update(offer_id, data, request.user, actor_of(request))
        return _view(offers, offer, request.user)

    @delete(
        "/{offer_id:uuid}",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def delete_offer(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        offer_id: FromPath[UUID],
    ) -> None:
        await offers.delete_draft(offer_id, request.user, actor_of(request))

    @post(
        "/{offer_id:uuid}/{step:str}",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        offer_id: FromPath[UUID],
        step: FromPath[Transition],
        data: Annotated[
            StepRequest | None, Body(description="cause, reason, version, confirm")
        ] = None,
    ) -> OfferRead:
        """``submit``, ``approve``, ``return`` (with a reason), ``withdraw`` or ``close``."""
        offer = await offers.require(offer_id, request.user)
        await offers.take_step(offer, step, request.user, actor_of(request), data or StepRequest())
        return _view(offers, offer, request.user)
