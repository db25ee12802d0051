"""The review queue for scripts: the same queue, filters and paging as the reviewers' desk
(``/review``), as JSON. Each entry is then approved or returned through its own step
(``POST /api/v1/needs/{id}/approve``, ``…/offers/{id}/return``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.models import EntryKind
from core.access import roles
from core.categories import TopCategory
from core.clock import Clock
from core.error_contract import error_responses
from core.pagination import Page, PageRequest
from demand.models import Channel
from listings.deps import REVIEW_DEPENDENCIES
from listings.review import QueueItem, ReviewFilters, review_queue


class ReviewItemRead(BaseModel):
    kind: EntryKind
    id: UUID
    title: str
    category: TopCategory
    subcategory: str
    county_code: str | None
    """Needs only: where the need is. Offers name the places they serve on their own page."""
    channel: Channel | None
    """Needs only: how the need was collected."""
    waiting_since: datetime
    """When it was submitted (else created): the queue's order."""
    waited_days: int
    version: int
    """To send with the approval or return, so a changed entry is not decided unseen."""


def review_item(item: QueueItem) -> ReviewItemRead:
    entry = item.entry
    need = item.kind is EntryKind.NEED
    return ReviewItemRead(
        kind=item.kind,
        id=entry.id,
        title=entry.title,
        category=entry.category,
        subcategory=entry.subcategory_code,
        county_code=entry.county_code if need else None,
        channel=entry.channel if need else None,
        waiting_since=item.waiting_since,
        waited_days=item.waited_days,
        version=entry.version,
    )


class ReviewApiController(Controller):
    path = "/api/v1/review"
    tags = ["review"]
    dependencies = REVIEW_DEPENDENCIES

    @get(
        "/",
        opt=roles(Role.REVIEWER),
        summary="The review queue: submitted needs and offers of the reviewer's categories, "
        "the longest waiting first",
        responses=error_responses(400, 401, 403),
    )
    async def review_queue(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        page_request: NamedDependency[PageRequest],
        review_filters: NamedDependency[ReviewFilters],
    ) -> Page[ReviewItemRead]:
        found = await review_queue(db_session, request.user, page_request, review_filters, clock())
        return found.to_page(review_item)
