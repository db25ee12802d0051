"""The public catalogue: needs and offers with filters, each entry's page with its history, and
the workflow steps people take from those pages."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.lines import NeedProgress
from catalogue.schemas import EntryFilters, ListOrder, StepRequest
from catalogue.service import EntryWorkflow
from catalogue.workflow import EntryState, Party, Transition
from core.access import PUBLIC, SIGNED_IN
from core.database import READS_ONLY
from core.errors import N_, FieldProblem, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.pagination import PageRequest
from core.redirects import safe_next
from demand.models import BeneficiaryGroup, Urgency
from demand.photo_service import photo_url, photos_of
from demand.policy import sees_need_contact
from demand.service import NeedService
from listings.deps import CATALOGUE_DEPENDENCIES
from regions.service import RegionService
from supply.policy import sees_offer_contact
from supply.service import OfferService

KINDS = ("needs", "offers")
Filter = Annotated[str | None, QueryParameter(max_length=16)]

STEP_DONE = {
    Transition.SUBMIT: N_("Submitted; reviewers of its category will look at it."),
    Transition.APPROVE: N_("Approved; the entry is now public."),
    Transition.RETURN: N_("Returned to its author with your reason."),
    Transition.WITHDRAW: N_("The entry is withdrawn."),
    Transition.CLOSE: N_("The entry is closed."),
    Transition.RESTORE: N_("The entry is a draft again: edit it and submit it when ready."),
}
DELETED = N_("The entry is deleted.")


def _urgency(value: str | None) -> Urgency | None:
    if not value:
        return None
    try:
        return Urgency(value)
    except ValueError:
        raise InvalidInput(
            N_("Some filters are not valid."),
            problems=[FieldProblem("urgency", "enum", N_("Choose one of the options."))],
        ) from None


async def _take_step(
    request: Request[Identity, Any, Any],
    service: EntryWorkflow[Any],
    entry: Any,
    step: Transition,
    form: FormMultiDict,
) -> None:
    asked = parse(StepRequest, form_values(form))
    await service.take_step(entry, step, request.user, actor_of(request), asked)
    flash_text(request, STEP_DONE[step])


class CataloguePageController(Controller):
    path = "/catalogue"
    opt = READS_ONLY
    dependencies = CATALOGUE_DEPENDENCIES
    include_in_schema = False

    @get("/", name="catalogue:index", opt=PUBLIC)
    async def index(
        self,
        request: Request[Any, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        regions: NamedDependency[RegionService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[EntryFilters],
        kind: Filter = None,
        urgency: Filter = None,
    ) -> Template:
        """Published needs (the default) or offers; reviewers may also filter by state. The
        filter form applies itself as a choice changes (htmx swaps the list in); the
        sub-categories offered are those of the chosen category."""
        identity: Identity | None = request.scope.get("user")
        reviewer = identity is not None and identity.has(Role.REVIEWER)
        if not reviewer:
            filters = filters.model_copy(update={"state": None})
        chosen = kind if kind in KINDS else "needs"
        flag = _urgency(urgency) if chosen == "needs" else None
        if chosen == "needs":
            page: Any = await needs.listed(page_request, filters, identity, urgency=flag)
        else:
            page = await offers.listed(page_request, filters, identity)
        tree = await category_tree(db_session)
        query = {
            "kind": chosen,
            **filters.model_dump(mode="json", exclude_none=True),
            "urgency": flag.value if flag else None,
        }
        if filters.sort is ListOrder.NEWEST:
            del query["sort"]
        return Template(
            "catalogue/index.html",
            context={
                "kind": chosen,
                "page": page,
                "filters": {key: value for key, value in query.items() if value},
                "chosen": filters,
                "urgency": flag.value if flag else "",
                "reviewer": reviewer,
                "tree": [
                    (top, subs)
                    for top, subs in tree
                    if filters.category is None or top.code == filters.category.value
                ],
                "categories": [top for top, _subs in tree],
                "orders": [
                    order
                    for order in ListOrder
                    if chosen == "needs" or order is not ListOrder.URGENCY
                ],
                "subcategories": subcategory_names(tree),
                "counties": await regions.counties(),
                "townships": await regions.children(filters.county) if filters.county else [],
                "urgencies": list(Urgency),
                "progresses": list(NeedProgress),
                "states": list(EntryState),
                **entry_helpers(needs.clock),
            },
        )

    @get("/needs/{need_id:uuid}", name="catalogue:need", opt=PUBLIC)
    async def need(
        self,
        request: Request[Any, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        need_id: FromPath[UUID],
    ) -> Template:
        identity: Identity | None = request.scope.get("user")
        need = await needs.require(need_id, identity)
        parties = needs.parties(identity, need)
        return await _entry_page(
            "catalogue/need.html",
            needs,
            db_session,
            need,
            parties,
            identity,
            groups=[BeneficiaryGroup(value) for value in need.beneficiary_groups],
            photos=await photos_of(db_session, need.id),
            photo_url=photo_url,
            shows_contact=sees_need_contact(identity, need),
            may_verify=Party.REVIEWER in parties
            and need.state is EntryState.PUBLISHED
            and need.verified_at is None,
        )

    @get("/offers/{offer_id:uuid}", name="catalogue:offer", opt=PUBLIC)
    async def offer(
        self,
        request: Request[Any, Any, Any],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
        offer_id: FromPath[UUID],
    ) -> Template:
        identity: Identity | None = request.scope.get("user")
        offer = await offers.require(offer_id, identity)
        parties = offers.parties(identity, offer)
        return await _entry_page(
            "catalogue/offer.html",
            offers,
            db_session,
            offer,
            parties,
            identity,
            shows_contact=sees_offer_contact(identity, offer),
        )

    @post("/needs/{need_id:uuid}/step/{step:str}", name="catalogue:need-step", opt=SIGNED_IN)
    async def need_step(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
        step: FromPath[Transition],
    ) -> Redirect:
        form = await request.form()
        await _take_step(request, needs, await needs.require(need_id, request.user), step, form)
        return Redirect(safe_next(form.get("next"), f"/catalogue/needs/{need_id}"))

    @post("/offers/{offer_id:uuid}/step/{step:str}", name="catalogue:offer-step", opt=SIGNED_IN)
    async def offer_step(
        self,
        request: Request[Identity, Any, Any],
        offers: NamedDependency[OfferService],
        offer_id: FromPath[UUID],
        step: FromPath[Transition],
    ) -> Redirect:
        form = await request.form()
        await _take_step(request, offers, await offers.require(offer_id, request.user), step, form)
        return Redirect(safe_next(form.get("next"), f"/catalogue/offers/{offer_id}"))

    @post("/delete/{kind:str}/{entry_id:uuid}", name="catalogue:entry-delete", opt=SIGNED_IN)
    async def delete_entry(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        kind: FromPath[str],
        entry_id: FromPath[UUID],
    ) -> Redirect:
        """The owner deletes a draft or a withdrawn draft; back to the owner's list."""
        if kind not in KINDS:
            raise NotFoundException()
        service: NeedService | OfferService = needs if kind == "needs" else offers
        await service.delete_draft(entry_id, request.user, actor_of(request))
        flash_text(request, DELETED)
        return Redirect(f"/my/{kind}")

    @post("/needs/{need_id:uuid}/verify", name="catalogue:need-verify", opt=SIGNED_IN)
    async def verify_need(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        need_id: FromPath[UUID],
    ) -> Redirect:
        """A reviewer confirms on the ground that a published need is real (核实)."""
        form = await request.form()
        await needs.verify(need_id, request.user, actor_of(request))
        flash_text(request, N_("The need is marked as verified on the ground."))
        return Redirect(safe_next(form.get("next"), f"/catalogue/needs/{need_id}"))


async def _entry_page(
    template: str,
    service: EntryWorkflow[Any],
    session: AsyncSession,
    entry: Any,
    parties: frozenset[Party],
    identity: Identity | None,
    **context: Any,
) -> Template:
    """An entry with its history and the steps this visitor may take."""
    tree = await category_tree(session)
    return Template(
        template,
        context={
            "entry": entry,
            "events": await service.events_of(entry.id),
            "steps": service.steps(identity, entry),
            "others_approve": Party.REVIEWER in parties
            and entry.state is EntryState.SUBMITTED
            and service.entered_by(identity, entry),
            "owner": Party.OWNER in parties,
            "may_delete": service.may_delete(identity, entry),
            "reviewer": Party.REVIEWER in parties,
            "signed_in": identity is not None,
            "subcategories": subcategory_names(tree),
            **entry_helpers(service.clock),
            **context,
        },
    )
