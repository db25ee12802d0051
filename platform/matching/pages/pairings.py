"""Matching pages: suggestions on an entry's page ("为什么推荐"), the proposals one is party to
with their answers, signing events with their plan per county, and the reviewer's workbench."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.display import entry_helpers
from core.access import SIGNED_IN, roles
from core.clock import Clock, local_date
from core.downloads import XLSX_TYPE, absolute_link, attachment, dated_name
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of, translate
from core.idempotency import IDEMPOTENT
from core.pagination import PageRequest, provide_page_request
from core.redirects import safe_next
from matching.amounts import pledge_lines
from matching.consent import Pairing, steps_for, still_to_answer
from matching.deps import (
    prepare_plans,
    provide_events,
    provide_plan_runs,
    provide_proposals,
    provide_suggestions,
    start_plans,
)
from matching.event_schemas import EventIn, PairChoice, PairIn
from matching.events import DEFAULT_K, EventService, coverage
from matching.models import PlanRun
from matching.plan_process import failure_said
from matching.plan_runs import PHASES, UNDER_WAY, PlanRunService, PlanUnderWay, poll_every
from matching.proposal_export import proposals_workbook
from matching.proposal_schemas import AnswerIn, ProposalIn
from matching.proposals import ProposalService
from matching.repository import mark_read, unread
from matching.rules import Step
from matching.schemas import SuggestionFilters
from matching.scoring import DEFAULT_WEIGHTS, NEWCOMER_TRACK_RECORD, Component
from matching.suggestions import SuggestionService
from matching.why import sentence_maker
from matching.workbench import workbench
from regions.deps import provide_region_service
from regions.service import RegionService

SUGGESTED = 5
EXPORT_LIMIT = 10_000
COMPONENT_LABELS = {
    Component.CATEGORY: N_("Same category and tags"),
    Component.GEOGRAPHY: N_("Serves the place"),
    Component.TEXT: N_("Similar wording"),
    Component.CAPACITY: N_("Can cover what is lacking"),
    Component.URGENCY: N_("Urgency and waiting time"),
    Component.TRACK_RECORD: N_("Track record"),
    Component.FAIRNESS: N_("Places with fewer pairings first"),
}
STEP_DONE = {
    Step.ACCEPT: N_(
        "Your side agrees. Once both sides have agreed the amounts are committed and each sees "
        "the other's contact."
    ),
    Step.DECLINE: N_("Declined; the other side sees your reason."),
    Step.WITHDRAW: N_("The proposal is withdrawn."),
}
REVIEWERS = roles(Role.REVIEWER)


def _plan_run_context(run: PlanRun | None, now: datetime) -> dict[str, Any]:
    """What the plan's progress bar (``matching/_plan_run.html``) shows of the latest run."""
    return {
        "run": run,
        "phases": PHASES,
        "poll_every": poll_every(run, now),
        "failure": failure_said(run.error) if run is not None and run.error else None,
    }


def _helpers(
    clock: Clock, locale: str, weights: Mapping[Component, float] = DEFAULT_WEIGHTS
) -> dict[str, Any]:
    return {
        "component_labels": COMPONENT_LABELS,
        "why_sentence": sentence_maker(locale, weights),
        "newcomer_track_record": NEWCOMER_TRACK_RECORD,
        "pledge_lines": pledge_lines,
        **entry_helpers(clock),
    }


class MatchingPageController(Controller):
    include_in_schema = False
    dependencies = {
        "proposals": Provide(provide_proposals),
        "events": Provide(provide_events),
        "plan_runs": Provide(provide_plan_runs),
        "suggestions": Provide(provide_suggestions),
        "regions": Provide(provide_region_service),
        "page_request": Provide(provide_page_request),
    }

    @get(
        "/matching/_suggestions/{kind:str}/{entry_id:uuid}",
        name="matching:suggestions",
        opt=SIGNED_IN,
    )
    async def suggestion_panel(
        self,
        request: Request[Identity, Any, Any],
        suggestions: NamedDependency[SuggestionService],
        kind: FromPath[str],
        entry_id: FromPath[UUID],
    ) -> Template:
        """The best few pairings for a need or an offer, each with why, for htmx to show on
        the entry's page: to its owners and reviewers, and on a published need to a member of
        an organization, its own offers that suit it (empty for anyone else)."""
        found: list[Any] = []
        this: Any = None
        if kind == "need" and request.user.organization_id is not None:
            this, organization_id = await suggestions.need_offered_to(entry_id, request.user)
            found = (
                await suggestions.for_need(this.id, SUGGESTED, SuggestionFilters(), organization_id)
            ).items
        elif kind == "need":
            this = await suggestions.need_for(entry_id, request.user)
            found = (await suggestions.for_need(this.id, SUGGESTED, SuggestionFilters())).items
        elif kind == "offer":
            this = await suggestions.offer_for(entry_id, request.user)
            found = (await suggestions.for_offer(this.id, SUGGESTED, SuggestionFilters())).items
        return Template(
            "matching/_suggestions.html",
            context={
                "kind": kind,
                "entry_id": entry_id,
                "found": found,
                "this": this,
                **_helpers(suggestions.clock, locale_of(request), suggestions.weights),
            },
        )

    @post("/proposals/new", name="matching:propose", opt={**SIGNED_IN, **IDEMPOTENT})
    async def propose(
        self, request: Request[Identity, Any, Any], proposals: NamedDependency[ProposalService]
    ) -> Redirect:
        form = await request.form()
        values = form_values(form)
        pledged = {
            name.removeprefix("amounts."): values.pop(name)
            for name in list(values)
            if name.startswith("amounts.")
        }
        body = parse(ProposalIn, values | ({"amounts": pledged} if pledged else {}))
        await proposals.propose(
            body.need_id,
            body.offer_id,
            request.user,
            actor_of(request),
            amounts=body.amounts,
            message=body.message,
        )
        flash_text(request, N_("Proposed; the other side has 14 days to answer."))
        return Redirect(safe_next(form.get("next"), "/proposals"))

    @get("/proposals", name="matching:proposals", opt=SIGNED_IN)
    async def proposal_list(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        page_request: NamedDependency[PageRequest],
    ) -> Template:
        page = await proposals.list_for(request.user, page_request)
        notices = await unread(proposals.session, request.user)
        now = proposals.clock()
        pairings = [Pairing.of(proposal, now) for proposal in page.items]
        rows = [
            (proposal, pairing.state, steps_for(request.user, pairing), still_to_answer(pairing))
            for proposal, pairing in zip(page.items, pairings, strict=True)
        ]
        return Template(
            "matching/proposals.html",
            context={
                "page": page,
                "rows": rows,
                "notices": notices,
                "translate_notice": lambda notice: translate(
                    locale_of(request), notice.message, notice.params
                ),
                **_helpers(proposals.clock, locale_of(request), proposals.weights),
            },
        )

    @get("/proposals.xlsx", name="matching:proposals-xlsx", opt=SIGNED_IN)
    async def proposal_download(
        self, request: Request[Identity, Any, Any], proposals: NamedDependency[ProposalService]
    ) -> Response[bytes]:
        """The page's list as a file: the same proposals through the same query, all of them."""
        found = await proposals.list_for(request.user, PageRequest(1, EXPORT_LIMIT))
        now = proposals.clock()
        content = proposals_workbook(
            found.items,
            now,
            locale_of(request),
            lambda proposal: absolute_link(request, "catalogue:need", need_id=proposal.need_id),
        )
        return attachment(content, XLSX_TYPE, dated_name("匹配提议", [], local_date(now), "xlsx"))

    @post("/proposals/{proposal_id:uuid}/{step:str}", name="matching:step", opt=SIGNED_IN)
    async def proposal_step(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        proposal_id: FromPath[UUID],
        step: FromPath[Step],
    ) -> Redirect:
        form = await request.form()
        body = parse(AnswerIn, form_values(form))
        await proposals.take(proposal_id, step, request.user, actor_of(request), reason=body.reason)
        flash_text(request, STEP_DONE[step])
        return Redirect(safe_next(form.get("next"), "/proposals"))

    @post("/notices/{notice_id:uuid}/read", name="matching:notice-read", opt=SIGNED_IN)
    async def notice_read(
        self,
        request: Request[Identity, Any, Any],
        proposals: NamedDependency[ProposalService],
        notice_id: FromPath[UUID],
    ) -> Redirect:
        await mark_read(proposals.session, proposals.clock, request.user, notice_id)
        return Redirect("/proposals")

    @get("/workbench", name="matching:workbench", opt=REVIEWERS)
    async def workbench_page(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
    ) -> Template:
        return Template(
            "matching/workbench.html",
            context={
                "bench": await workbench(db_session, clock),
                **_helpers(clock, locale_of(request)),
            },
        )

    @get("/events", name="matching:events", opt=REVIEWERS)
    async def event_list(
        self, events: NamedDependency[EventService], regions: NamedDependency[RegionService]
    ) -> Template:
        return await _events_page(events, regions)

    @post("/events", name="matching:event-create", opt={**REVIEWERS, **IDEMPOTENT})
    async def event_create(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
    ) -> Template | Redirect:
        form = await request.form()
        values = {
            **{key: value for key, value in form_values(form).items() if value != ""},
            "county_codes": form.getall("county_codes", []),
        }
        try:
            body = parse(EventIn, values)
            event = await events.create(
                **body.model_dump(), identity=request.user, actor=actor_of(request)
            )
        except InvalidInput as error:
            return await _events_page(events, regions, values, error)
        flash_text(request, N_("The event is created; plan it when the catalogue is ready."))
        return Redirect(f"/events/{event.id}")

    @get("/events/{event_id:uuid}", name="matching:event", opt=REVIEWERS)
    async def event_page(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        regions: NamedDependency[RegionService],
        plan_runs: NamedDependency[PlanRunService],
        event_id: FromPath[UUID],
    ) -> Template:
        event = await events.get(event_id)
        run = await plan_runs.latest(event_id)
        names = {county.code: county.short_name for county in await regions.counties()}
        by_county = {
            code: sorted(
                (pair for pair in event.pairs_in_plan if pair.county_code == code),
                key=lambda pair: -pair.score,
            )
            for code in event.county_codes
        }
        return Template(
            "matching/event.html",
            context={
                "event": event,
                "names": names,
                "by_county": by_county,
                "coverage": coverage(event),
                "total": sum(pair.score for pair in event.pairs_in_plan),
                **_helpers(events.clock, locale_of(request), events.weights),
                **_plan_run_context(run, events.clock()),
            },
            background=prepare_plans(request.app.state),
        )

    @get("/events/{event_id:uuid}/plan-run", name="matching:plan-run", opt=REVIEWERS)
    async def plan_run(
        self,
        events: NamedDependency[EventService],
        plan_runs: NamedDependency[PlanRunService],
        event_id: FromPath[UUID],
        polling: Annotated[bool, QueryParameter(description="polled by htmx")] = False,
    ) -> Template:
        """The latest plan's progress bar, polled by htmx while it runs; once it has ended,
        a poll reloads the page to show the plan."""
        event = await events.get(event_id)
        run = await plan_runs.latest(event.id)
        ended = run is None or run.state not in UNDER_WAY
        return Template(
            "matching/_plan_run.html",
            context={"event": event, **_plan_run_context(run, events.clock())},
            headers={"Vary": "HX-Request", **({"HX-Refresh": "true"} if polling and ended else {})},
        )

    @post("/events/{event_id:uuid}/{action:str}", name="matching:event-action", opt=REVIEWERS)
    async def event_action(
        self,
        request: Request[Identity, Any, Any],
        events: NamedDependency[EventService],
        plan_runs: NamedDependency[PlanRunService],
        event_id: FromPath[UUID],
        action: FromPath[str],
    ) -> Redirect:
        """``plan`` (queued, carried out in the background), ``drop`` (one pair) or ``add``
        (need and offer); proposing goes through the preview (`matching.pages.signing`)."""
        form = await request.form()
        values = form_values(form)
        actor = actor_of(request)
        if action == "plan":
            try:
                await plan_runs.request(event_id, request.user, actor, DEFAULT_K)
            except PlanUnderWay:
                flash_text(request, N_("A plan of this event is already under way."))
                return Redirect(f"/events/{event_id}")
            flash_text(
                request,
                N_(
                    "Planning: the best total score with every coverable county covered. The "
                    "bar below shows how far it has come."
                ),
            )
            return Redirect(f"/events/{event_id}", background=start_plans(request.app.state))
        if action == "drop":
            await events.drop_pair(event_id, parse(PairChoice, values).pair_id, actor)
        elif action == "add":
            pair = parse(PairIn, values)
            await events.add_pair(event_id, pair.need_id, pair.offer_id, actor)
        else:
            raise NotFoundException
        return Redirect(f"/events/{event_id}")


async def _events_page(
    events: EventService,
    regions: RegionService,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
) -> Template:
    """The events with the form for a new one, re-shown with its problems (400) when it failed."""
    return Template(
        "matching/events.html",
        context={
            "events": await events.newest_first(),
            "counties": await regions.counties(),
            "today": local_date(events.clock()),
            "coverage": coverage,
            "values": values,
            "error": error,
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )
