"""The follow-up JSON API: the caller's to-do list (``GET /api/v1/todo``, items and counts)
and the reviewers' alerts (``GET /api/v1/alerts``, filtered by kind and county, oldest
first)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from accounts.identity import Identity
from core.access import SIGNED_IN, roles
from core.error_contract import error_responses
from core.pagination import PageRequest, Slice
from followup.deps import MONITORING_DEPENDENCIES
from followup.policy import ALERT_READERS
from followup.schemas import AlertFilters, AlertsRead, TodoRead, alert_read, todo_item_read
from followup.service import FollowUpService


class FollowUpApiController(Controller):
    path = "/api/v1"
    tags = ["follow-up"]
    dependencies = MONITORING_DEPENDENCIES

    @get(
        "/todo",
        opt=SIGNED_IN,
        summary="What waits for the caller on its agreements, oldest first, with counts",
        responses=error_responses(400, 401, 403),
    )
    async def todo(
        self,
        request: Request[Identity, Any, Any],
        follow_up: NamedDependency[FollowUpService],
        page_request: NamedDependency[PageRequest],
    ) -> TodoRead:
        """Disbursements to confirm, reports to write, returned or to approve, agreements to
        sign: each for the party that takes the step, each with a link to its agreement."""
        todo = await follow_up.todo(request.user)
        page = Slice.cut(todo.items, page_request).to_page(todo_item_read)
        return TodoRead(
            items=page.items,
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            counts=todo.counts,
        )

    @get(
        "/alerts",
        opt=roles(*ALERT_READERS),
        summary="The reviewers' alerts, oldest first",
        responses=error_responses(400, 401, 403),
    )
    async def alerts(
        self,
        request: Request[Identity, Any, Any],
        follow_up: NamedDependency[FollowUpService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[AlertFilters],
    ) -> AlertsRead:
        """Nothing disbursed 90 days after signing, a disbursement unconfirmed after 30 days,
        an expenditure without evidence, a report overdue; for reviewers (of the agreement's
        category) and administrators."""
        found = await follow_up.alerts(request.user, filters)
        today = follow_up.today()
        page = Slice.cut(found, page_request).to_page(lambda alert: alert_read(alert, today))
        return AlertsRead(
            items=page.items,
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            counts=await follow_up.alert_counts(request.user, filters),
        )
