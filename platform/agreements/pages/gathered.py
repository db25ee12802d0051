"""Partials other pages load with htmx: a signing event's agreements, origins, coverage and
funnel (on the event's page), and a party's own agreements (on its to-do page).

Matching sits below agreements and may not import it, so its pages name these addresses and
htmx fetches them; each partial reads through the policy like every other agreements page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from accounts.identity import Identity
from accounts.models import Role
from agreements.deps import AGREEMENT_DEPENDENCIES
from agreements.export import money_total
from agreements.gathering import event_gathering, own_agreements, signing_event
from agreements.pages.detail import STEP_LABELS
from agreements.policy import agreement_readable
from agreements.service import AgreementService
from core.access import SIGNED_IN, roles

STAFF = roles(Role.REVIEWER, Role.VIEWER, Role.ADMIN)


class GatheredAgreementsController(Controller):
    include_in_schema = False
    dependencies = AGREEMENT_DEPENDENCIES

    @get("/agreements/by-event/{event_id:uuid}", name="agreements:by-event", opt=STAFF)
    async def by_event(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        event_id: FromPath[UUID],
    ) -> Template:
        """The event page's section: agreements signed there and what they reached."""
        event = await signing_event(agreements.session, event_id)
        if event is None:
            raise NotFoundException
        gathered = await event_gathering(
            agreements.session, event, agreement_readable(request.user)
        )
        return Template(
            "agreements/_by_event.html",
            context={"event": event, "gathered": gathered, "money_total": money_total},
        )

    @get("/agreements/mine", name="agreements:mine", opt=SIGNED_IN)
    async def mine(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
    ) -> Template:
        """ "My agreements" on the to-do page: those awaiting the visitor's action first."""
        return Template(
            "agreements/_mine.html",
            context={
                "rows": await own_agreements(agreements.session, request.user),
                "step_labels": STEP_LABELS,
            },
        )
