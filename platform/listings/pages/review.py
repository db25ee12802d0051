"""The reviewers' queue: submitted needs and offers of their categories, oldest first, and
published needs still waiting to be verified on the ground."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.workflow import EntryState, Transition
from core.access import roles
from core.pagination import PageRequest, Slice
from demand.models import Need
from demand.service import NeedService
from listings.deps import CATALOGUE_DEPENDENCIES
from supply.service import OfferService


class ReviewPageController(Controller):
    """The reviewer's queue: submitted needs and offers of their categories, oldest first,
    and published needs still waiting to be verified on the ground."""

    path = "/review"
    dependencies = CATALOGUE_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.REVIEWER)

    @get("/", name="review:index")
    async def queue(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
    ) -> Template:
        identity = request.user
        waiting_needs = await needs.awaiting_review(identity, page_request, EntryState.SUBMITTED)
        waiting_offers = await offers.awaiting_review(identity, page_request, EntryState.SUBMITTED)
        unverified = await needs.awaiting_review(
            identity, page_request, EntryState.PUBLISHED, Need.verified_at.is_(None)
        )
        tree = await category_tree(db_session)
        queues: list[Slice[Any]] = [waiting_needs, waiting_offers, unverified]
        return Template(
            "catalogue/review.html",
            context={
                "needs": waiting_needs,
                "offers": waiting_offers,
                "unverified": unverified,
                "longest": max(queues, key=lambda queue: queue.total),
                "review_steps": [Transition.APPROVE, Transition.RETURN],
                "entered_by_me": {
                    n.id for n in waiting_needs.items if needs.entered_by(identity, n)
                }
                | {o.id for o in waiting_offers.items if offers.entered_by(identity, o)},
                "subcategories": subcategory_names(tree),
                **entry_helpers(needs.clock),
            },
        )
