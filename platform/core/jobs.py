"""Periodic and deferred jobs: the work no request should do on the way (expiring proposals,
sweeping abandoned imports and orphaned files).

A periodic job runs every ``every``; a deferred one once, when `defer` says. Each job has a row
in ``scheduled_job`` holding its next due time, and a run begins by moving that time forward
with ``UPDATE … WHERE due_at <= now``: whoever changed the row claimed the run, so two app
instances or workers never run the same job at the same moment (on PostgreSQL the second UPDATE
waits for the first's row lock, then finds the row no longer due; SQLite has one writer at a
time). The row keeps the last run's outcome; a failure is logged and recorded, and the loop
carries on with the next job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import DefaultBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import Clock, utc_now
from core.columns import value_enum
from core.database import insert_unless_present, writing

logger = logging.getLogger(__name__)

POLL = timedelta(seconds=30)
"""How often the loop looks for due jobs: the finest interval a job can usefully have."""
RETRY_DEFERRED = timedelta(minutes=5)
"""A deferred run that failed (or whose process died) is tried again this much later."""
ERROR_LENGTH = 500

JobFunction = Callable[[AsyncSession, datetime], Awaitable[object]]
"""Does the job in the session it is given (the runner commits it) as of the given moment; one
that reads before it writes takes SQLite's write lock first (`core.database.writing`)."""


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: JobFunction
    every: timedelta | None = None
    """``None``: a deferred job, due only when `defer` sets a time."""
    prepare: Callable[[], Coroutine[Any, Any, None]] | None = None
    """Makes the job's next run start sooner, when one is likely soon (`JobRunner.prepare_soon`)."""


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"


class ScheduledJob(DefaultBase):
    """One row per job: when it is next due, and how its last run went."""

    __tablename__ = "scheduled_job"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """``None``: a deferred job that has run and is not due again."""
    last_started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_outcome: Mapped[Outcome | None] = mapped_column(value_enum(Outcome, 16))
    last_error: Mapped[str] = mapped_column(String(ERROR_LENGTH), default="")


async def defer(session: AsyncSession, name: str, at: datetime) -> None:
    """Make the job ``name`` due at ``at`` (once), in the caller's transaction: it is scheduled
    only if the change that needs it commits."""
    dialect = session.get_bind().dialect.name
    await session.execute(insert_unless_present(dialect, ScheduledJob).values(name=name, due_at=at))
    await session.execute(update(ScheduledJob).where(ScheduledJob.name == name).values(due_at=at))


class JobRunner:
    """Runs the due ones among ``jobs``; any number of runners may share a database."""

    def __init__(
        self,
        session_maker: Callable[[], AsyncSession],
        jobs: Sequence[Job],
        clock: Clock = utc_now,
        poll: timedelta = POLL,
    ) -> None:
        self.session_maker = session_maker
        self.jobs = list(jobs)
        self.clock = clock
        self.poll = poll
        self._registered = False
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._soon: set[asyncio.Task[object]] = set()

    @writing
    async def _register(self) -> None:
        """Periodic jobs new to the database are due at once."""
        now = self.clock()
        async with self.session_maker() as session:
            dialect = session.get_bind().dialect.name
            for job in self.jobs:
                if job.every is not None:
                    await session.execute(
                        insert_unless_present(dialect, ScheduledJob).values(
                            name=job.name, due_at=now
                        )
                    )
            await session.commit()
        self._registered = True

    @writing
    async def _claim(self, job: Job, now: datetime) -> datetime | None:
        """The due time this run set (the claim), or ``None`` when the job is not due or
        another runner claimed it first."""
        next_due = now + (job.every or RETRY_DEFERRED)
        async with self.session_maker() as session:
            claimed = await session.execute(
                update(ScheduledJob)
                .where(ScheduledJob.name == job.name, ScheduledJob.due_at <= now)
                .values(due_at=next_due, last_started_at=now)
            )
            await session.commit()
        return next_due if claimed.rowcount == 1 else None  # type: ignore[attr-defined]

    @writing
    async def _record(self, job: Job, claim: datetime, error: Exception | None) -> None:
        """The run's outcome; a deferred job that succeeded is done, unless it was deferred
        again while it ran."""
        async with self.session_maker() as session:
            await session.execute(
                update(ScheduledJob)
                .where(ScheduledJob.name == job.name)
                .values(
                    last_finished_at=self.clock(),
                    last_outcome=Outcome.OK if error is None else Outcome.FAILED,
                    last_error=""
                    if error is None
                    else f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
                )
            )
            if job.every is None and error is None:
                await session.execute(
                    update(ScheduledJob)
                    .where(ScheduledJob.name == job.name, ScheduledJob.due_at == claim)
                    .values(due_at=None)
                )
            await session.commit()

    async def _run(self, job: Job, now: datetime, claim: datetime) -> None:
        error: Exception | None = None
        try:
            async with self.session_maker() as session:
                await job.run(session, now)
                await session.commit()
        except Exception as failure:
            logger.exception("job %s failed", job.name)
            error = failure
        await self._record(job, claim, error)

    async def run_due(self) -> list[str]:
        """Run every job due now, one after the other; the names of those run (whatever their
        outcome), in order."""
        if not self._registered:
            await self._register()
        ran = []
        for job in self.jobs:
            now = self.clock()
            claim = await self._claim(job, now)
            if claim is not None:
                await self._run(job, now, claim)
                ran.append(job.name)
        return ran

    async def run_one(self, name: str) -> bool:
        """Run the job ``name`` now if it is due and no one else claimed it; whether it ran."""
        if not self._registered:
            await self._register()
        job = next(job for job in self.jobs if job.name == name)
        now = self.clock()
        claim = await self._claim(job, now)
        if claim is None:
            return False
        await self._run(job, now, claim)
        return True

    async def _attempt(self, name: str) -> bool:
        try:
            return await self.run_one(name)
        except Exception as error:
            logger.warning("job %s not run: %s", name, error)
            return False

    async def run_soon(self, name: str) -> None:
        """Start `run_one` in the background and return at once: what a request that deferred
        the job calls once its transaction is committed (a response's background task), so
        the job need not wait for the next look and no request waits for the job."""
        self._in_background(self._attempt(name))

    async def prepare_soon(self, name: str) -> None:
        """Let the job ``name`` prepare its next run in the background, if it can: what a page
        that leads to the job calls once it has answered."""
        job = next((job for job in self.jobs if job.name == name), None)
        if job is not None and job.prepare is not None:
            self._in_background(job.prepare())

    def _in_background(self, work: Coroutine[Any, Any, object]) -> None:
        """Kept until done (the loop holds tasks weakly) and awaited by `stop`."""
        task = asyncio.create_task(work)
        self._soon.add(task)
        task.add_done_callback(self._soon.discard)

    async def run_until(self, stop: asyncio.Event) -> None:
        """Look for due jobs every ``poll`` until ``stop`` is set; a database that does not
        answer is logged and tried again at the next look."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception as error:
                logger.warning("jobs not run: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll.total_seconds())

    async def start(self) -> None:
        """App start-up: run jobs in the background."""
        self._stop.clear()
        self._task = asyncio.create_task(self.run_until(self._stop))

    async def stop(self) -> None:
        """App shutdown: let the run under way finish, then stop."""
        if self._task is not None:
            self._stop.set()
            await self._task
            self._task = None
        if self._soon:
            await asyncio.gather(*self._soon, return_exceptions=True)
