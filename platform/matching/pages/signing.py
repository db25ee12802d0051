"""A signing event's plan on its way to the signing day: the preview of what turning it into
proposals sends, the report of what was sent and refused, and the signing list (签约清单) per
county, printable on A4 and as .xlsx."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from core.access import roles
from core.downloads import XLSX_TYPE, absolute_link, attachment, dated_name
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from matching.conversion import preview, propose_all
from matching.deps import provide_events
from matching.events import EventService
from matching.plan_export import plan_workbook
from matching.signing_list import signing_rows, signing_workbook
from regions.deps import provide_region_service
from regions.service import RegionService

REVIEWERS = roles(Role.REVIEWER)


async def _county_names(regions: RegionService) -> dict[str, str]:
    return {county.code: county.short_name for county in await regions.counties()}


class SigningPageController(Controller):
    include_in_schema = False
    dependencies = {
        "events": Provide(provide_events),
        "regions": Provide(provide_region_service),
    }

    @get("/events/{event_id:uuid}/confirm", name="matching:event-preview", opt=REVIEWERS)
    async def preview_page(
        self,
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
        event_id: FromPath[UUID],
    ) -> Template:
        """What confirming sends: pairs, organizations, per county."""
        event = await events.get(event_id)
        return Template(
            "matching/event_confirm.html",
            context={
                "event": event,
                "preview": preview(event),
                "names": await _county_names(regions),
            },
        )

    @post(
        "/events/{event_id:uuid}/confirm",
        name="matching:event-propose",
        opt={**REVIEWERS, **IDEMPOTENT},
        status_code=HTTP_200_OK,
    )
    async def propose(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        event_id: FromPath[UUID],
    ) -> Template:
        """Send the proposals and report what was sent and what the rules refused, why."""
        done = await propose_all(
            events, event_id, request.user, actor_of(request), locale_of(request)
        )
        return Template(
            "matching/event_sent.html",
            context={"event": await events.get(event_id), "done": done},
        )

    @get("/events/{event_id:uuid}/signing-list", name="matching:signing-list", opt=REVIEWERS)
    async def signing_list(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
        event_id: FromPath[UUID],
    ) -> Template:
        event = await events.get(event_id)
        rows = await signing_rows(
            events.session, event, await _county_names(regions), locale_of(request), events.weights
        )
        by_county: dict[str, list[Any]] = {}
        for row in rows:
            by_county.setdefault(row.county, []).append(row)
        return Template(
            "matching/signing_list.html", context={"event": event, "by_county": by_county}
        )

    @get("/events/{event_id:uuid}/plan.xlsx", name="matching:plan-xlsx", opt=REVIEWERS)
    async def plan_xlsx(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
        event_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The event's page as a file: coverage per county, then every pair of the plan."""
        event = await events.get(event_id)
        content = plan_workbook(
            event,
            await _county_names(regions),
            locale_of(request),
            lambda pair: absolute_link(request, "catalogue:need", need_id=pair.need_id),
        )
        name = dated_name("签约计划", [event.name], event.held_on, "xlsx")
        return attachment(content, XLSX_TYPE, name)

    @get(
        "/events/{event_id:uuid}/signing-list.xlsx",
        name="matching:signing-list-xlsx",
        opt=REVIEWERS,
    )
    async def signing_list_xlsx(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
        event_id: FromPath[UUID],
    ) -> Response[bytes]:
        event = await events.get(event_id)
        locale = locale_of(request)
        rows = await signing_rows(
            events.session, event, await _county_names(regions), locale, events.weights
        )
        return attachment(
            signing_workbook(event, rows, locale), XLSX_TYPE, f"签约清单-{event.held_on}.xlsx"
        )
