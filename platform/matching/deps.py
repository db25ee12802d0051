"""Dependency providers of matching's API and pages: its services, built with the configured
weights, and the suggestion filters read from the query string."""

from __future__ import annotations

from typing import Annotated

from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import N_
from core.forms import parse_query
from core.settings import Settings
from matching.events import EventService
from matching.plan_runs import PLAN_JOB, PlanRunService
from matching.proposals import ProposalService
from matching.schemas import SuggestionParams
from matching.suggestions import SuggestionService
from matching.weights import weights_from


async def provide_suggestions(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> SuggestionService:
    return SuggestionService(db_session, clock, weights_from(settings))


async def provide_suggestion_params(
    k: Annotated[str | None, QueryParameter(description="How many, 1 to 50 (10)")] = None,
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
    subcategory: Annotated[str | None, QueryParameter(description="Sub-category code")] = None,
    urgency: Annotated[
        str | None, QueryParameter(description="Needs only: red, yellow or green")
    ] = None,
    min_score: Annotated[str | None, QueryParameter(description="From 0 to 1")] = None,
) -> SuggestionParams:
    """Everything arrives as text, so a bad value is one clear 400 naming the field."""
    return parse_query(
        SuggestionParams,
        N_("Some filters are not valid."),
        k=k,
        county=county,
        subcategory=subcategory,
        urgency=urgency,
        min_score=min_score,
    )


async def provide_proposals(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> ProposalService:
    return ProposalService(db_session, clock, weights_from(settings))


async def provide_events(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> EventService:
    return EventService(db_session, clock, weights_from(settings), settings.plan_min_score)


async def provide_plan_runs(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> PlanRunService:
    return PlanRunService(db_session, clock)


def start_plans(state: State) -> BackgroundTask | None:
    """Once the response is sent (the queued run committed), start the plan job in this
    process when the app runs jobs; otherwise a worker (``xiangxing worker``) takes it."""
    if not state.settings.jobs_in_app:
        return None
    return BackgroundTask(state.jobs.run_soon, PLAN_JOB)


def prepare_plans(state: State) -> BackgroundTask | None:
    """Once an event's page is sent, have a planning process started ahead in this process
    when the app runs jobs: the plan the reviewer may ask for next starts at once."""
    if not state.settings.jobs_in_app:
        return None
    return BackgroundTask(state.jobs.prepare_soon, PLAN_JOB)
