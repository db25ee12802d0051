"""The reviewers' desk: submitted needs and offers of their categories in one queue, the longest
waiting first, with filters in the query string, approving several at once; and published
needs still waiting to be verified on the ground."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.models import EntryKind
from catalogue.workflow import EntryState, Transition
from core.access import roles
from core.categories import TopCategory
from core.clock import local_date
from core.downloads import XLSX_TYPE, absolute_link, attachment, dated_name
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.i18n import locale_of, translate
from core.pagination import PageRequest
from core.redirects import safe_next
from demand.models import Channel, Need
from demand.service import NeedService
from listings.deps import REVIEW_DEPENDENCIES
from listings.exporters import MAX_EXPORT_ROWS
from listings.review import (
    ReviewFilters,
    Waiting,
    approve_many,
    parse_picks,
    pick_of,
    review_queue,
)
from listings.review_export import QueueRows, queue_workbook
from regions.service import RegionService
from supply.service import OfferService


class ReviewPageController(Controller):
    """The reviewer's desk: the queue of their categories, oldest first, and the published
    needs still waiting to be verified on the ground."""

    path = "/review"
    dependencies = REVIEW_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.REVIEWER)

    @get("/", name="review:index")
    async def queue(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        regions: NamedDependency[RegionService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
        review_filters: NamedDependency[ReviewFilters],
    ) -> Template:
        identity = request.user
        filters = review_filters
        queue = await review_queue(db_session, identity, page_request, filters, needs.clock())
        unverified = await needs.awaiting_review(
            identity, PageRequest(page_size=1), EntryState.PUBLISHED, Need.verified_at.is_(None)
        )
        query = filters.model_dump(mode="json", exclude_none=True)
        kept = {**query, "page": queue.page} if queue.page > 1 else query
        here = "/review/?" + urlencode(kept) if kept else "/review/"
        tree = await category_tree(db_session)
        services: dict[EntryKind, NeedService | OfferService] = {
            EntryKind.NEED: needs,
            EntryKind.OFFER: offers,
        }
        return Template(
            "catalogue/review.html",
            context={
                "queue": queue,
                "filters": query,
                "chosen": filters,
                "here": here,
                "unverified_total": unverified.total,
                "review_steps": [Transition.APPROVE, Transition.RETURN],
                "entered_by_me": {
                    item.entry.id
                    for item in queue.items
                    if services[item.kind].entered_by(identity, item.entry)
                },
                "pick_of": pick_of,
                "kinds": list(EntryKind),
                "categories": [c for c in TopCategory if identity.may_review(c)],
                "counties": await regions.counties(),
                "channels": list(Channel),
                "waitings": list(Waiting),
                "subcategories": subcategory_names(tree),
                **entry_helpers(needs.clock),
            },
        )

    @post("/approve", name="review:approve")
    async def approve(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
    ) -> Redirect:
        """Approve the ticked entries, each through its own approval step; those the reviewer
        may not approve stay as they are and are named on the next page."""
        form = await request.form()
        back = safe_next(form.get("next"), "/review/")
        try:
            picks = parse_picks(form.getall("entry", []))
        except InvalidInput as error:
            flash_text(request, error.message, "error", error.params)
            return Redirect(back)
        outcome = await approve_many(picks, needs, offers, request.user, actor_of(request))
        if outcome.approved:
            flash_text(
                request,
                N_("%(count)s entries approved and published."),
                params={"count": len(outcome.approved)},
            )
        locale = locale_of(request)
        for title, refusal in outcome.refused:
            flash_text(
                request,
                N_("Not approved: %(title)s. %(why)s"),
                "error",
                {"title": title, "why": translate(locale, refusal.message, refusal.params)},
            )
        return Redirect(back)

    @get("/unverified", name="review:unverified")
    async def unverified(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
    ) -> Template:
        """Published needs of the reviewer's categories not yet verified, oldest first."""
        page = await needs.awaiting_review(
            request.user, page_request, EntryState.PUBLISHED, Need.verified_at.is_(None)
        )
        tree = await category_tree(db_session)
        return Template(
            "catalogue/review_unverified.html",
            context={
                "page": page,
                "subcategories": subcategory_names(tree),
                **entry_helpers(needs.clock),
            },
        )


class ReviewExportController(Controller):
    """``/review.xlsx``: the queue as a file for the same reviewers, through the same queries
    and with the desk's filters, every page of it."""

    path = "/review.xlsx"
    dependencies = REVIEW_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.REVIEWER)

    @get("/", name="review:xlsx")
    async def download(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        review_filters: NamedDependency[ReviewFilters],
    ) -> Response[bytes]:
        identity, everything = request.user, PageRequest(1, MAX_EXPORT_ROWS)
        queue = await review_queue(db_session, identity, everything, review_filters, needs.clock())
        unverified = await needs.awaiting_review(
            identity, everything, EntryState.PUBLISHED, Need.verified_at.is_(None)
        )

        def link(entry: Any) -> str:
            if isinstance(entry, Need):
                return absolute_link(request, "catalogue:need", need_id=entry.id)
            return absolute_link(request, "catalogue:offer", offer_id=entry.id)

        subcategories = subcategory_names(await category_tree(db_session))
        rows = QueueRows(subcategories, locale_of(request), link)
        waiting = {
            kind: [item.entry for item in queue.items if item.kind is kind] for kind in EntryKind
        }
        content = queue_workbook(
            waiting[EntryKind.NEED], waiting[EntryKind.OFFER], unverified.items, rows
        )
        today = local_date(needs.clock())
        return attachment(content, XLSX_TYPE, dated_name("审核队列", [], today, "xlsx"))
