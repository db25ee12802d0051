"""Signing-event plans as background runs: a request queues one and answers at once; a job
(`core.jobs`, deferred to the moment of the request) carries it out and stores the plan.

A province's plan reads and scores hundreds of thousands of pairs: no request waits for it,
and none is held up by it (the arithmetic runs off the event loop). While a run is queued or
running, its row tells how far it has come (phase, done of total) and a second request for
the same event is refused (409); when it ends the row holds what the plan came to, or why it
failed. A run that gives no sign of life for `STALE_AFTER` (its process died) counts as
failed and no longer blocks a new one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from core.audit import Actor, record
from core.clock import Clock
from core.database import writing
from core.errors import N_, Conflict, NotFound
from core.jobs import Job, defer
from matching.events import EventService
from matching.models import PlanRun, PlanRunState
from matching.scoring import Component

EventSettings = tuple[Mapping[Component, float], float]
"""The score weights and the plan's threshold."""

logger = logging.getLogger(__name__)

PLAN_JOB = "matching.run_plans"
STALE_AFTER = timedelta(minutes=10)
"""A running plan writes its progress at least every few seconds; silence this long means its
process is gone."""
ERROR_LENGTH = 500
UNDER_WAY = (PlanRunState.QUEUED, PlanRunState.RUNNING)
PHASES = {
    "reading": N_("Reading the counties' needs and offers"),
    "scoring": N_("Scoring candidate pairs"),
    "solving": N_("Choosing the best plan"),
    "saving": N_("Saving the pairings"),
}
"""What a running plan is doing, and what ``done`` of ``total`` counts in each phase."""


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


class _Runner:
    """Carries out the queued runs one after the other, in the session the job is given, the
    way `events` plans (weights and threshold of the settings)."""

    def __init__(self, session: AsyncSession, now: datetime, events: EventSettings) -> None:
        self.session = session
        self.now = now
        self.events = events
        self._began = time.monotonic()

    def clock(self) -> datetime:
        """The job's moment, moved on by the time it has taken since."""
        return self.now + timedelta(seconds=time.monotonic() - self._began)

    async def _set(self, run_id: UUID, **values: object) -> None:
        """Write the run's row and commit: others see it at once."""
        await self.session.execute(update(PlanRun).where(PlanRun.id == run_id).values(**values))
        await self.session.commit()

    async def fail_interrupted(self) -> int:
        found = await self.session.execute(
            update(PlanRun)
            .where(
                PlanRun.state == PlanRunState.RUNNING,
                PlanRun.progressed_at < self.clock() - STALE_AFTER,
            )
            .values(
                state=PlanRunState.FAILED,
                error="interrupted: the process running it stopped",
                finished_at=self.clock(),
            )
        )
        await self.session.commit()
        return found.rowcount  # type: ignore[attr-defined]

    async def claim(self) -> PlanRun | None:
        """The oldest queued run, now running; None when none is queued (or another runner
        took it first)."""
        while True:
            run = await self.session.scalar(
                select(PlanRun)
                .where(PlanRun.state == PlanRunState.QUEUED)
                .order_by(PlanRun.requested_at, PlanRun.id)
                .limit(1)
            )
            if run is None:
                await self.session.commit()
                return None
            now = self.clock()
            claimed = await self.session.execute(
                update(PlanRun)
                .where(PlanRun.id == run.id, PlanRun.state == PlanRunState.QUEUED)
                .values(state=PlanRunState.RUNNING, started_at=now, progressed_at=now)
                .execution_options(synchronize_session=False)
            )
            await self.session.commit()
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                await self.session.refresh(run)
                return run

    async def carry_out(self, run: PlanRun) -> None:
        run_id, event_id, k = run.id, run.event_id, run.k

        async def progress(phase: str, done: int, total: int) -> None:
            await self._set(run_id, phase=phase, done=done, total=total, progressed_at=self.clock())

        try:
            user = await self.session.get(User, run.requested_by_id)
            if user is None:
                raise RuntimeError("the reviewer who asked for the plan is gone")
            identity = Identity.of(user)
            events = EventService(self.session, lambda: self.now, *self.events)
            outcome = await events.plan(
                event_id, identity, identity.actor(None), k=k, progress=progress
            )
            await self.session.execute(
                update(PlanRun)
                .where(PlanRun.id == run_id)
                .values(
                    state=PlanRunState.DONE,
                    phase="",
                    result=asdict(outcome),
                    finished_at=self.clock(),
                    progressed_at=self.clock(),
                )
            )
            await self.session.commit()
        except Exception as error:
            logger.exception("plan run %s failed", run_id)
            await self.session.rollback()
            await self._set(
                run_id,
                state=PlanRunState.FAILED,
                error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
                finished_at=self.clock(),
            )


def plan_job(weights: Mapping[Component, float], min_score: float) -> Job:
    """The job every plan request defers; any app or worker may carry it out."""

    @writing
    async def run_queued_plans(session: AsyncSession, now: datetime) -> int:
        """Carry out every queued plan; returns how many ran (done or failed). Interrupted runs
        are marked failed first."""
        runner = _Runner(session, now, (weights, min_score))
        await runner.fail_interrupted()
        ran = 0
        while (run := await runner.claim()) is not None:
            await runner.carry_out(run)
            ran += 1
        return ran

    return Job(PLAN_JOB, run_queued_plans)
