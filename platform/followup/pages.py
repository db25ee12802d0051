"""The to-do page (``/todo``), the header's follow-up badge (``/follow-up/_badge``, loaded by
htmx after the page) and the reviewers' alerts page (``/alerts``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from accounts.identity import Identity
from core.access import SIGNED_IN, roles
from followup.alerts import AlertKind
from followup.deps import MONITORING_DEPENDENCIES
from followup.policy import ALERT_READERS, sees_alerts
from followup.schemas import AlertFilters
from followup.service import FollowUpService
from followup.todo import TodoKind
from regions.deps import provide_region_service
from regions.service import RegionService


class FollowUpPageController(Controller):
    include_in_schema = False
    dependencies = {**MONITORING_DEPENDENCIES, "regions": Provide(provide_region_service)}

    @get("/todo", name="followup:todo", opt=SIGNED_IN)
    async def todo(
        self,
        request: Request[Identity, Any, Any],
        follow_up: NamedDependency[FollowUpService],
    ) -> Template:
        todo = await follow_up.todo(request.user)
        return Template(
            "followup/todo.html",
            context={
                "todo": todo,
                "work": await follow_up.entry_work(request.user),
                "kinds": list(TodoKind),
                "today": follow_up.today(),
            },
        )

    @get("/follow-up/_badge", name="followup:badge", opt=SIGNED_IN)
    async def badge(
        self,
        request: Request[Identity, Any, Any],
        follow_up: NamedDependency[FollowUpService],
    ) -> Template:
        """The header's link with its count: alerts for those who see them, else the to-do
        list. Loaded after the page, so no page waits for the count."""
        if sees_alerts(request.user):
            count = sum((await follow_up.alert_counts(request.user, AlertFilters())).values())
            target = "followup:alerts"
        else:
            count = (await follow_up.todo(request.user)).total + sum(
                waiting.count for waiting in await follow_up.entry_work(request.user)
            )
            target = "followup:todo"
        shown_on = urlparse(request.headers.get("hx-current-url", "")).path
        return Template(
            "followup/_badge.html",
            context={"count": count, "target": target, "shown_on": shown_on},
            headers={"Cache-Control": "no-store"},
        )

    @get("/alerts", name="followup:alerts", opt=roles(*ALERT_READERS))
    async def alerts(
        self,
        request: Request[Identity, Any, Any],
        follow_up: NamedDependency[FollowUpService],
        regions: NamedDependency[RegionService],
        filters: NamedDependency[AlertFilters],
    ) -> Template:
        found = await follow_up.alerts(request.user, filters)
        counties = await regions.counties()
        return Template(
            "followup/alerts.html",
            context={
                "alerts": found,
                "today": follow_up.today(),
                "kinds": list(AlertKind),
                "counties": counties,
                "county_names": {county.code: county.short_name for county in counties},
                "chosen": filters,
            },
        )
