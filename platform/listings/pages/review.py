"""The reviewers' queue: submitted needs and offers of their categories, oldest first, and
published needs still waiting to be verified on the ground."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.workflow import EntryState, Transition
from core.access import roles
from core.clock import local_date
from core.downloads import XLSX_TYPE, absolute_link, attachment, dated_name
from core.i18n import locale_of
from core.pagination import PageRequest, Slice
from demand.models import Need
from demand.service import NeedService
from listings.deps import CATALOGUE_DEPENDENCIES
from listings.exporters import MAX_EXPORT_ROWS
from listings.review_export import QueueRows, queue_workbook
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


class ReviewExportController(Controller):
    """``/review.xlsx``: the queue as a file for the same reviewers, through the same queries."""

    path = "/review.xlsx"
    dependencies = CATALOGUE_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.REVIEWER)

    @get("/", name="review:xlsx")
    async def download(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[bytes]:
        identity, everything = request.user, PageRequest(1, MAX_EXPORT_ROWS)
        waiting_needs = await needs.awaiting_review(identity, everything, EntryState.SUBMITTED)
        waiting_offers = await offers.awaiting_review(identity, everything, EntryState.SUBMITTED)
        unverified = await needs.awaiting_review(
            identity, everything, EntryState.PUBLISHED, Need.verified_at.is_(None)
        )

        def link(entry: Any) -> str:
            if isinstance(entry, Need):
                return absolute_link(request, "catalogue:need", need_id=entry.id)
            return absolute_link(request, "catalogue:offer", offer_id=entry.id)

        subcategories = subcategory_names(await category_tree(db_session))
        rows = QueueRows(subcategories, locale_of(request), link)
        content = queue_workbook(waiting_needs.items, waiting_offers.items, unverified.items, rows)
        today = local_date(needs.clock())
        return attachment(content, XLSX_TYPE, dated_name("审核队列", [], today, "xlsx"))
