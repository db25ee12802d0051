"""The plan job: each queued run is claimed here and carried out by a process of its own (the
planning process, `matching.plan_work`), which reads, scores, solves and saves with its own
engine while the job only waits for it. A worker that answers requests therefore never holds a
plan's rows nor does its arithmetic.

Its start (the imports of SQLAlchemy, numpy and the app's models: about 2 s of CPU) would be
most of a city's plan, so a process may be started ahead (`PlanningProcess.ready_for`): after
each plan, and when a reviewer opens an event's page, one process is started that waits for a
run's id on its standard input and exits if none comes in time or its parent goes away.

A planning process that dies (killed, out of memory, a crash) or outlives the time limit is
reported on the run's row at once, and the event's draft is untouched: the plan is stored in
one transaction or not at all. Should the job's own process die, the planning process carries
on by itself, or, if it died too, its run falls silent and counts as failed after
`plan_runs.STALE_AFTER`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.database import writing
from core.errors import N_
from core.jobs import Job
from matching.models import PlanRun, PlanRunState
from matching.plan_runs import ERROR_LENGTH, PLAN_JOB, STALE_AFTER

logger = logging.getLogger(__name__)

KILLED = N_("the planning process stopped: killed by %(signal)s")
EXITED = N_("the planning process stopped: exit code %(code)s (see the log)")
ENDED_UNSTORED = N_("the planning process stopped: it ended without storing the plan")
TOO_LONG = N_("the planning process stopped: it ran longer than the time limit (%(limit)s)")
NOT_STARTED = N_("the planning process stopped: it could not start (%(error)s)")
INTERRUPTED = N_("interrupted: the process running it stopped")
FAILURES = (KILLED, EXITED, ENDED_UNSTORED, TOO_LONG, NOT_STARTED, INTERRUPTED)
"""The reasons this module writes on a failed run, in English as the API and the log give
them; the event's page shows them in the reader's language (`failure_said`). Most begin "the
planning process stopped": the process, not the plan, went wrong."""
_FAILURE_PATTERNS = tuple(
    (
        message,
        re.compile(re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.*)", re.escape(message)) + "$"),
    )
    for message in FAILURES
)


def failure_said(error: str) -> tuple[str, dict[str, str]] | None:
    """The message and its values that wrote ``error``, to be translated; None for a reason
    written elsewhere (the plan's own exception, shown as it is)."""
    for message, pattern in _FAILURE_PATTERNS:
        if found := pattern.match(error):
            return message, found.groupdict()
    return None


@dataclass(frozen=True)
class PlanningProcess:
    """How to start the planning process of a run (the run's id is added to ``command``), and
    how long it may take."""

    command: Sequence[str]
    time_limit: timedelta
    ready_for: timedelta = timedelta(0)
    """How long a process started ahead waits for a run; zero: none is started ahead."""

    def ahead_command(self) -> list[str]:
        """The command of a process started ahead: no run's id, how long to wait for one."""
        return [*self.command, "--wait-seconds", str(self.ready_for.total_seconds())]


class PlanningProcesses:
    """The planning processes of one app or worker: at most one waits, started ahead."""

    def __init__(self, planning: PlanningProcess) -> None:
        self.planning = planning
        self._ready: asyncio.subprocess.Process | None = None
        self._starting = asyncio.Lock()
        """Two pages opened at once start one process, not two."""

    async def prepare(self) -> None:
        """Start a process ahead, unless one is waiting or none is wanted."""
        if self.planning.ready_for <= timedelta(0):
            return
        async with self._starting:
            if self._ready is not None and self._ready.returncode is None:
                return
            try:
                self._ready = await asyncio.create_subprocess_exec(
                    *self.planning.ahead_command(), stdin=asyncio.subprocess.PIPE
                )
            except OSError as error:
                logger.warning("no planning process started ahead: %s", error)
                self._ready = None

    async def _handed(self, run_id: UUID) -> asyncio.subprocess.Process | None:
        """The process started ahead, now given the run; None if none waits any more."""
        ready, self._ready = self._ready, None
        if ready is None or ready.returncode is not None or ready.stdin is None:
            return None
        try:
            ready.stdin.write(f"{run_id}\n".encode())
            await ready.stdin.drain()
            ready.stdin.close()
        except (BrokenPipeError, ConnectionResetError):  # it ended in the meantime
            await ready.wait()
            return None
        return ready

    async def start(self, run_id: UUID) -> asyncio.subprocess.Process:
        """The run's planning process: the one started ahead if it still waits, else a new
        one. Raises OSError if none can start."""
        if (ready := await self._handed(run_id)) is not None:
            logger.info("plan run %s: planning process %d (started ahead)", run_id, ready.pid)
            return ready
        child = await asyncio.create_subprocess_exec(*self.planning.command, str(run_id))
        logger.info("plan run %s: planning process %d", run_id, child.pid)
        return child


async def fail_interrupted(session: AsyncSession, now: datetime) -> int:
    """Mark failed the running plans silent for `STALE_AFTER`: their processes are gone."""
    found = await session.execute(
        update(PlanRun)
        .where(PlanRun.state == PlanRunState.RUNNING, PlanRun.progressed_at < now - STALE_AFTER)
        .values(
            state=PlanRunState.FAILED,
            error=INTERRUPTED,
            finished_at=now,
        )
    )
    await session.commit()
    return found.rowcount  # type: ignore[attr-defined]


async def claim(session: AsyncSession, now: datetime) -> UUID | None:
    """The oldest queued run, now running; None when none is queued. Of several jobs that see
    the same run, one changes its state: the others look for the next. No transaction is left
    open: on SQLite it would hold the write lock the planning process needs."""
    while True:
        run = await session.scalar(
            select(PlanRun)
            .where(PlanRun.state == PlanRunState.QUEUED)
            .order_by(PlanRun.requested_at, PlanRun.id)
            .limit(1)
        )
        if run is None:
            await session.commit()
            return None
        claimed = await session.execute(
            update(PlanRun)
            .where(PlanRun.id == run.id, PlanRun.state == PlanRunState.QUEUED)
            .values(state=PlanRunState.RUNNING, started_at=now, progressed_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return run.id


def why_it_stopped(returncode: int) -> str:
    """The end of a planning process that left its run running, in words."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return KILLED % {"signal": name}
    if returncode == 0:
        return ENDED_UNSTORED
    return EXITED % {"code": returncode}


async def _awaited(processes: PlanningProcesses, run_id: UUID) -> str | None:
    """Run the run's planning process to its end; why it failed, or None when it ended well
    (the process itself then wrote how the plan went)."""
    try:
        child = await processes.start(run_id)
    except OSError as error:
        return NOT_STARTED % {"error": error}
    limit = processes.planning.time_limit
    try:
        returncode = await asyncio.wait_for(child.wait(), limit.total_seconds())
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):  # it ended in the meantime
            child.kill()
        await child.wait()
        return TOO_LONG % {"limit": limit}
    return None if returncode == 0 else why_it_stopped(returncode)


async def _report(session: AsyncSession, run_id: UUID, reason: str, now: datetime) -> None:
    """The run failed for ``reason``, unless the planning process recorded its end itself."""
    reported = await session.execute(
        update(PlanRun)
        .where(PlanRun.id == run_id, PlanRun.state == PlanRunState.RUNNING)
        .values(state=PlanRunState.FAILED, error=reason[:ERROR_LENGTH], finished_at=now)
    )
    await session.commit()
    if reported.rowcount == 1:  # type: ignore[attr-defined]
        logger.error("plan run %s failed: %s", run_id, reason)


def plan_job(planning: PlanningProcess) -> Job:
    """The job every plan request defers; any app or worker may carry it out. Once its runs
    are carried out, a process is started ahead for the next (a reviewer plans again after
    changing the event)."""
    processes = PlanningProcesses(planning)

    @writing
    async def run_queued_plans(session: AsyncSession, now: datetime) -> int:
        """Carry out every queued plan, one planning process after the other; returns how many
        ran (done or failed). Interrupted runs are marked failed first."""
        began = time.monotonic()

        def clock() -> datetime:
            return now + timedelta(seconds=time.monotonic() - began)

        await fail_interrupted(session, clock())
        ran = 0
        while (run_id := await claim(session, clock())) is not None:
            reason = await _awaited(processes, run_id)
            if reason is not None:
                await _report(session, run_id, reason, clock())
            ran += 1
        if ran:
            await processes.prepare()
        return ran

    return Job(PLAN_JOB, run_queued_plans, prepare=processes.prepare)
