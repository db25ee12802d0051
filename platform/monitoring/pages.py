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
from monitoring.alerts import AlertKind
from monitoring.deps import MONITORING_DEPENDENCIES
from monitoring.policy import ALERT_READERS, sees_alerts
from monitoring.schemas import AlertFilters
from monitoring.service import MonitoringService
from monitoring.todo import TodoKind
from regions.deps import provide_region_service
from regions.service import RegionService


class MonitoringPageController(Controller):
    include_in_schema = False
    dependencies = {**MONITORING_DEPENDENCIES, "regions": Provide(provide_region_service)}

    @get("/todo", name="monitoring:todo", opt=SIGNED_IN)
    async def todo(
        self,
        request: Request[Identity, Any, Any],
        monitoring: NamedDependency[MonitoringService],
    ) -> Template:
        todo = await monitoring.todo(request.user)
        return Template(
            "monitoring/todo.html",
            context={"todo": todo, "kinds": list(TodoKind), "today": monitoring.today()},
        )

    @get("/follow-up/_badge", name="monitoring:badge", opt=SIGNED_IN)
    async def badge(
        self,
        request: Request[Identity, Any, Any],
        monitoring: NamedDependency[MonitoringService],
    ) -> Template:
        """The header's link with its count: alerts for those who see them, else the to-do
        list. Loaded after the page, so no page waits for the count."""
        if sees_alerts(request.user):
            count = len(await monitoring.alerts(request.user, AlertFilters()))
            target = "monitoring:alerts"
        else:
            count = (await monitoring.todo(request.user)).total
            target = "monitoring:todo"
        shown_on = urlparse(request.headers.get("hx-current-url", "")).path
        return Template(
            "monitoring/_badge.html",
            context={"count": count, "target": target, "shown_on": shown_on},
            headers={"Cache-Control": "no-store"},
        )

    @get("/alerts", name="monitoring:alerts", opt=roles(*ALERT_READERS))
    async def alerts(
        self,
        request: Request[Identity, Any, Any],
        monitoring: NamedDependency[MonitoringService],
        regions: NamedDependency[RegionService],
        filters: NamedDependency[AlertFilters],
    ) -> Template:
        found = await monitoring.alerts(request.user, filters)
        counties = await regions.counties()
        return Template(
            "monitoring/alerts.html",
            context={
                "alerts": found,
                "today": monitoring.today(),
                "kinds": list(AlertKind),
                "counties": counties,
                "county_names": {county.code: county.short_name for county in counties},
                "chosen": filters,
            },
        )
