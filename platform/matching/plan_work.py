"""What the planning process does with the run it is given (``xiangxing matching run-plan``,
started by `matching.plan_process`): the event's plan, as `matching.events` makes it, with its
progress committed on the run's row as it goes and the plan stored with the run's result in one
last transaction, or the run marked failed with the reason and the draft unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict
from importlib import import_module
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import configure_mappers

from accounts.identity import Identity
from accounts.models import User
from core.clock import Clock
from core.database import writing
from core.errors import N_, Conflict
from matching.events import EventService
from matching.models import PlanRun, PlanRunState
from matching.plan_runs import ERROR_LENGTH
from matching.scoring import Component

logger = logging.getLogger(__name__)


def get_ready() -> None:
    """What a process started ahead does before it waits for its run: the work the start of
    every plan would otherwise repeat (the imports of the scoring, with SciPy, and of the
    solver; the mapping of the models)."""
    for module in (
        "matching.plan_scoring",
        "ortools.graph.python.min_cost_flow",
        "ortools.graph.python.max_flow",
    ):
        import_module(module)
    configure_mappers()


class RunNotRunning(Conflict):
    code = "plan_run_not_running"


async def _set(session: AsyncSession, run_id: UUID, **values: object) -> None:
    """Write the run's row and commit: others see it at once."""
    await session.execute(update(PlanRun).where(PlanRun.id == run_id).values(**values))
    await session.commit()


@writing
async def carry_out(
    session: AsyncSession,
    run_id: UUID,
    weights: Mapping[Component, float],
    min_score: float,
    clock: Clock,
) -> PlanRunState:
    """Make the plan of a claimed (running) run; how it ended, done or failed. Every
    transaction takes SQLite's write lock first: progress is written between reads."""
    run = await session.get(PlanRun, run_id)
    if run is None or run.state is not PlanRunState.RUNNING:
        raise RunNotRunning(N_("This plan run is not running: it was not claimed, or has ended."))
    event_id, k, requested_by_id = run.event_id, run.k, run.requested_by_id

    async def progress(phase: str, done: int, total: int) -> None:
        await _set(session, run_id, phase=phase, done=done, total=total, progressed_at=clock())

    try:
        user = await session.get(User, requested_by_id)
        if user is None:
            raise RuntimeError("the reviewer who asked for the plan is gone")
        identity = Identity.of(user)
        events = EventService(session, clock, weights, min_score)
        outcome = await events.plan(
            event_id, identity, identity.actor(None), k=k, progress=progress
        )
        await _set(
            session,
            run_id,
            state=PlanRunState.DONE,
            phase="",
            result=asdict(outcome),
            finished_at=clock(),
            progressed_at=clock(),
        )
    except Exception as error:
        logger.exception("plan run %s failed", run_id)
        await session.rollback()
        await _set(
            session,
            run_id,
            state=PlanRunState.FAILED,
            error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
            finished_at=clock(),
        )
        return PlanRunState.FAILED
    return PlanRunState.DONE
