"""An organization member's offers: the list in every state, and the forms to create and edit
them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.forms import (
    WHOLE_CITY,
    entry_data,
    entry_values,
    form_choices,
    line_values,
    on_the_form,
)
from catalogue.schemas import EntryFilters
from catalogue.service import NotYours
from catalogue.workflow import EDITABLE, Transition
from core.access import roles
from core.clock import local_date
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import parse
from core.idempotency import IDEMPOTENT
from core.pagination import PageRequest
from supply.deps import OFFER_DEPENDENCIES
from supply.models import Offer
from supply.schemas import OfferFields, OfferUpdate
from supply.service import OfferService

FORM = "supply/form.html"


def offer_values(offer: Offer) -> dict[str, Any]:
    """A saved offer as its form shows it."""
    return {
        "category": offer.category.value,
        "subcategory": offer.subcategory_code,
        "title": offer.title,
        "description": offer.description,
        "service_region_codes": offer.service_region_codes,
        "whole_city": WHOLE_CITY in offer.service_region_codes,
        "valid_from": offer.valid_from.isoformat(),
        "valid_until": offer.valid_until.isoformat(),
        "capacity": str(offer.capacity),
        "contact_name": offer.contact_name,
        "contact_phone": offer.contact_phone,
        "tags": "，".join(offer.tags),
        "version": str(offer.version),
        **line_values(offer.lines, "offered"),
    }


async def _form(
    session: AsyncSession,
    values: dict[str, Any],
    *,
    offer: Offer | None = None,
    error: InvalidInput | None = None,
) -> Template:
    return Template(
        FORM,
        context={
            "values": values,
            "error": error,
            "offer": offer,
            "action": f"/my/offers/{offer.id}/edit" if offer else "/my/offers/new",
            **await form_choices(session, values),
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )


class MyOffersController(Controller):
    path = "/my/offers"
    dependencies = OFFER_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.MEMBER)

    @get("/", name="my:offers")
    async def mine(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[EntryFilters],
    ) -> Template:
        """The organization's offers in every state."""
        return Template(
            "supply/mine.html",
            context={
                "page": await offers.list(page_request, filters, request.user, mine=True),
                "editable": EDITABLE,
                "submit": Transition.SUBMIT,
                "subcategories": subcategory_names(await category_tree(db_session)),
                **entry_helpers(offers.clock),
            },
        )

    @get("/new", name="my:offer-new")
    async def new_page(
        self, offers: NamedDependency[OfferService], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        today = local_date(offers.clock()).isoformat()
        return await _form(db_session, {"valid_from": today, "capacity": "1"})

    @post("/new", opt=IDEMPOTENT)
    async def create(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        values = entry_values(await request.form())
        data, rows = entry_data(values)
        try:
            offer = await offers.create(parse(OfferFields, data), request.user, actor_of(request))
        except InvalidInput as error:
            return await _form(db_session, values, error=on_the_form(error, rows))
        flash_text(request, N_("The offer is saved as a draft. Submit it for review when ready."))
        return Redirect(f"/catalogue/offers/{offer.id}")

    @get("/{offer_id:uuid}/edit", name="my:offer-edit")
    async def edit_page(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
        offer_id: FromPath[UUID],
    ) -> Template:
        offer = await _editable(offers, offer_id, request.user)
        return await _form(db_session, offer_values(offer), offer=offer)

    @post("/{offer_id:uuid}/edit")
    async def update(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
        offer_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = entry_values(await request.form())
        data, rows = entry_data(values)
        try:
            offer = await offers.update(
                offer_id, parse(OfferUpdate, data), request.user, actor_of(request)
            )
        except InvalidInput as error:
            offer = await offers.require(offer_id, request.user)
            return await _form(db_session, values, offer=offer, error=on_the_form(error, rows))
        flash_text(request, N_("Your changes are saved."))
        return Redirect(f"/catalogue/offers/{offer.id}")


async def _editable(offers: OfferService, offer_id: UUID, identity: Identity) -> Offer:
    """The offer if this visitor may edit it now: a member of its organization, while a draft
    or returned."""
    offer = await offers.require(offer_id, identity)
    if not offers.is_owner(identity, offer):
        raise NotYours(N_("Only the organization's own members edit its offers."))
    offers.check_editable(offer)
    return offer
