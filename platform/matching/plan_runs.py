"""Signing-event plans as background runs: a request queues one and answers at once; a job
(`core.jobs`, deferred to the moment of the request) has a process of its own carry it out and
store the plan (`matching.plan_process`, `matching.plan_work`).

A province's plan reads and scores hundreds of thousands of pairs: no request waits for it,
and none is held up by it (it runs in another process). While a run is queued or running, its
row tells how far it has come (phase, done of total) and a second request for the same event is
refused (409); when it ends the row holds what the plan came to, or why it failed. A run that
gives no sign of life for `STALE_AFTER` (its process died) counts as failed and no longer
blocks a new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from core.audit import Actor, record
from core.clock import Clock
from core.errors import N_, Conflict, NotFound
from core.jobs import defer
from matching.events import EventService
from matching.models import PlanRun, PlanRunState

PLAN_JOB = "matching.run_plans"
STALE_AFTER = timedelta(minutes=10)
"""A running plan writes its progress at least every few seconds; silence this long means its
process is gone."""
ERROR_LENGTH = 500
UNDER_WAY = (PlanRunState.QUEUED, PlanRunState.RUNNING)
QUICK_POLLS = timedelta(seconds=5)
"""How long after a plan is asked for its page looks every quarter second, not every second:
a city's plan ends within it and is shown at once."""
PHASES = {
    "reading": N_("Reading the counties' needs and offers"),
    "scoring": N_("Scoring candidate pairs"),
    "solving": N_("Choosing the best plan"),
    "saving": N_("Saving the pairings"),
}
"""What a running plan is doing, and what ``done`` of ``total`` counts in each phase."""


def poll_every(run: PlanRun | None, now: datetime) -> str:
    """How often the event's page asks how a plan under way is going (an htmx interval)."""
    if run is not None and now - run.requested_at < QUICK_POLLS:
        return "250ms"
    return "1s"


class PlanUnderWay(Conflict):
    code = "plan_under_way"


class PlanRunNotFound(NotFound):
    code = "plan_run_not_found"


def alive(now: datetime) -> object:
    """Queued, or running with a recent sign of life."""
    return or_(
        PlanRun.state == PlanRunState.QUEUED,
        (PlanRun.state == PlanRunState.RUNNING) & (PlanRun.progressed_at >= now - STALE_AFTER),
    )


class PlanRunService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def under_way(self, event_id: UUID) -> PlanRun | None:
        return await self.session.scalar(
            select(PlanRun)
            .where(PlanRun.event_id == event_id, alive(self.clock()))  # type: ignore[arg-type]
            .order_by(PlanRun.requested_at.desc())
            .limit(1)
        )

    async def latest(self, event_id: UUID) -> PlanRun | None:
        return await self.session.scalar(
            select(PlanRun)
            .where(PlanRun.event_id == event_id)
            .order_by(PlanRun.requested_at.desc(), PlanRun.id.desc())
            .limit(1)
        )

    async def get(self, event_id: UUID, run_id: UUID) -> PlanRun:
        run = await self.session.get(PlanRun, run_id)
        if run is None or run.event_id != event_id:
            raise PlanRunNotFound(N_("No such plan of this event."))
        return run

    async def request(self, event_id: UUID, identity: Identity, actor: Actor, k: int) -> PlanRun:
        """Queue a plan of the event; refused while another is under way."""
        event = await EventService(self.session, self.clock).get(event_id)
        if await self.under_way(event.id) is not None:
            raise PlanUnderWay(
                N_("A plan of this event is already under way; wait for it to finish.")
            )
        now = self.clock()
        run = PlanRun(
            event_id=event.id,
            requested_by_id=identity.user_id,
            k=k,
            state=PlanRunState.QUEUED,
            phase="",
            done=0,
            total=0,
            result={},
            error="",
            requested_at=now,
        )
        self.session.add(run)
        await self.session.flush()
        await defer(self.session, PLAN_JOB, now)
        record(
            self.session,
            actor=actor,
            action="event.plan_requested",
            object_type="signing_event",
            object_id=event.id,
            after={"plan_run": run.id, "k": k},
            at=now,
        )
        return run
