"""Fault drill: the planning process of a signing-event plan is killed (SIGKILL, as the
out-of-memory killer or an operator would) while it works on a city's catalogue, or outlives
its time limit. The run is reported failed at once with the reason, nothing of that plan is
saved, and the event is planned again straight away.

The catalogue is committed to a database of its own (`scratch_settings`) by the benchmarks'
generator, since the planning process sees only what is committed; the job runs here, its
planning process is the real ``xiangxing matching run-plan``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from accounts.identity import Identity
from accounts.models import Role, User
from core.clock import local_date, utc_now
from core.jobs import JobRunner
from core.settings import Settings
from demand.models import Need
from matching.events import EventService
from matching.models import PlanPair, PlanRun, PlanRunState
from matching.plan_process import PlanningProcess, plan_job, why_it_stopped
from matching.plan_runs import PLAN_JOB, PlanRunService
from tests.conftest import REPO_ROOT
from tests.factories import make_user
from tests.matching.planning import waiting_children
from xiangxing.cli_matching import PLANNING_COMMAND
from xiangxing.setup import upgrade_database

NEEDS, OFFERS = 3_000, 2_000
"""A city's catalogue: its plan reads, scores and solves for seconds."""
AFTER_READING = ("scoring", "solving", "saving")
GENEROUS = timedelta(minutes=10)


@pytest.fixture
def planning_environment(scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planning process reads its settings from the environment it inherits, as it does
    under a served app or ``xiangxing worker``: point it at the scratch database."""
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(scratch_settings.var_dir))
    monkeypatch.setenv("XIANGXING_DATABASE_URL", scratch_settings.database_url)


def generate_city() -> None:
    """The benchmarks' catalogue in the database the environment names (migrated first)."""
    script = REPO_ROOT / "benchmarks" / "generate_catalogue.py"
    subprocess.run(  # noqa: S603 - our own script, with this interpreter
        [sys.executable, str(script), "--needs", str(NEEDS), "--offers", str(OFFERS), "--wipe"],
        check=True,
        capture_output=True,
    )


async def identity_of(session: AsyncSession, user_id: UUID) -> Identity:
    user = await session.get(User, user_id)
    assert user is not None
    return Identity.of(user)


async def make_event(session_maker: async_sessionmaker[AsyncSession]) -> tuple[UUID, UUID]:
    """A reviewer's event over every county with needs: its id and the reviewer's."""
    async with session_maker() as session:
        reviewer_id = (await make_user(session, Role.REVIEWER)).id
        await session.commit()
    async with session_maker() as session:
        identity = await identity_of(session, reviewer_id)
        counties = list(await session.scalars(select(Need.county_code).distinct()))
        event = await EventService(session, utc_now).create(
            name="全市签约活动",
            held_on=local_date(utc_now()) + timedelta(days=30),
            place="昭通",
            county_codes=counties or ["530602000000"],
            identity=identity,
            actor=identity.actor(None),
        )
        await session.commit()
        return event.id, reviewer_id


async def request_plan(
    session_maker: async_sessionmaker[AsyncSession], event_id: UUID, reviewer_id: UUID
) -> UUID:
    """The reviewer asks for a plan of the event (refused while one is under way)."""
    async with session_maker() as session:
        identity = await identity_of(session, reviewer_id)
        run = await PlanRunService(session, utc_now).request(
            event_id, identity, identity.actor(None), k=20
        )
        await session.commit()
        return run.id


def planning_pid(run_id: UUID) -> int:
    """The process whose command line names the run: its planning process."""
    wanted = str(run_id).encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if wanted in cmdline.read_bytes().split(b"\0"):
                return int(cmdline.parent.name)
        except OSError:
            continue
    raise AssertionError(f"no planning process for run {run_id}")


async def read_run(session_maker: async_sessionmaker[AsyncSession], run_id: UUID) -> PlanRun:
    async with session_maker() as session:
        run = await session.get(PlanRun, run_id)
        assert run is not None
        return run


async def pairs_of(session_maker: async_sessionmaker[AsyncSession], event_id: UUID) -> int:
    async with session_maker() as session:
        return (
            await session.scalar(
                select(func.count()).select_from(PlanPair).where(PlanPair.event_id == event_id)
            )
            or 0
        )


def jobs(engine: AsyncEngine, time_limit: timedelta = GENEROUS) -> JobRunner:
    """A job runner with the plan job as every deployment has it, but for the time limit."""
    planning = PlanningProcess(PLANNING_COMMAND, time_limit)
    return JobRunner(async_sessionmaker(engine, expire_on_commit=False), [plan_job(planning)])


@pytest.mark.usefixtures("planning_environment")
async def test_a_planning_process_killed_midway_is_reported_and_the_event_planned_again(
    scratch_engine: AsyncEngine,
) -> None:
    await asyncio.to_thread(generate_city)
    sessions = async_sessionmaker(scratch_engine, expire_on_commit=False)
    event_id, reviewer_id = await make_event(sessions)
    run_id = await request_plan(sessions, event_id, reviewer_id)
    runner = jobs(scratch_engine)

    job = asyncio.create_task(runner.run_one(PLAN_JOB))
    while (run := await read_run(sessions, run_id)).phase not in AFTER_READING:
        assert run.state in (PlanRunState.QUEUED, PlanRunState.RUNNING), run.error
        assert not job.done(), "the job ended before its plan was read"
        await asyncio.sleep(0.05)
    os.kill(planning_pid(run_id), signal.SIGKILL)
    assert await job, "the job ran"

    killed = await read_run(sessions, run_id)
    assert killed.state is PlanRunState.FAILED, "reported at once, not when it falls silent"
    assert killed.error == "the planning process stopped: killed by SIGKILL"
    assert killed.finished_at is not None
    assert await pairs_of(sessions, event_id) == 0, "nothing of the killed plan is saved"

    again = await request_plan(sessions, event_id, reviewer_id)
    assert await runner.run_one(PLAN_JOB)
    planned = await read_run(sessions, again)
    assert planned.state is PlanRunState.DONE, planned.error
    assert planned.result["candidates"] > planned.result["pairs"] > 0
    assert await pairs_of(sessions, event_id) == planned.result["pairs"], "stored whole"


@pytest.mark.usefixtures("planning_environment")
async def test_a_planning_process_past_its_time_limit_is_stopped_and_reported(
    scratch_engine: AsyncEngine,
) -> None:
    """A limit no process can keep (a tenth of a second: not even its start-up)."""
    await upgrade_database(scratch_engine)
    sessions = async_sessionmaker(scratch_engine, expire_on_commit=False)
    event_id, reviewer_id = await make_event(sessions)
    run_id = await request_plan(sessions, event_id, reviewer_id)

    assert await jobs(scratch_engine, timedelta(milliseconds=100)).run_one(PLAN_JOB)
    stopped = await read_run(sessions, run_id)
    assert stopped.state is PlanRunState.FAILED
    assert (
        stopped.error
        == "the planning process stopped: it ran longer than the time limit (0:00:00.100000)"
    )
    assert await pairs_of(sessions, event_id) == 0
    next_run = await request_plan(sessions, event_id, reviewer_id)
    assert (await read_run(sessions, next_run)).state is PlanRunState.QUEUED, "asked again"


@pytest.mark.usefixtures("planning_environment")
async def test_a_plan_starts_in_the_process_started_ahead_and_another_waits_for_the_next(
    scratch_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    await upgrade_database(scratch_engine)
    sessions = async_sessionmaker(scratch_engine, expire_on_commit=False)
    event_id, reviewer_id = await make_event(sessions)
    job = plan_job(PlanningProcess(PLANNING_COMMAND, GENEROUS, ready_for=timedelta(minutes=1)))
    runner = JobRunner(async_sessionmaker(scratch_engine, expire_on_commit=False), [job])
    await runner.prepare_soon(PLAN_JOB)
    await runner.stop()  # awaits what it started in the background
    [ahead] = waiting_children()

    run_id = await request_plan(sessions, event_id, reviewer_id)
    caplog.set_level(logging.INFO, logger="matching.plan_process")
    assert await runner.run_one(PLAN_JOB)
    planned = await read_run(sessions, run_id)
    assert planned.state is PlanRunState.DONE, planned.error
    assert f"plan run {run_id}: planning process {ahead} (started ahead)" in caplog.messages
    [next_one] = waiting_children()
    assert next_one != ahead, "the next plan's process is waiting"
    os.kill(next_one, signal.SIGKILL)


@pytest.mark.parametrize("stdin", ["nothing comes in time", "the pipe is closed"])
@pytest.mark.usefixtures("planning_environment")
async def test_a_process_started_ahead_that_gets_no_run_exits_by_itself(stdin: str) -> None:
    waiting = await asyncio.create_subprocess_exec(
        *PLANNING_COMMAND, "--wait-seconds", "0.5", stdin=asyncio.subprocess.PIPE
    )
    assert waiting.stdin is not None
    if stdin == "the pipe is closed":
        waiting.stdin.close()
    assert await asyncio.wait_for(waiting.wait(), 60) == 0


def test_how_a_planning_process_ended_is_said_in_words() -> None:
    assert why_it_stopped(-signal.SIGKILL) == "the planning process stopped: killed by SIGKILL"
    assert why_it_stopped(-signal.SIGTERM) == "the planning process stopped: killed by SIGTERM"
    assert why_it_stopped(1) == "the planning process stopped: exit code 1 (see the log)"
    assert why_it_stopped(0) == "the planning process stopped: it ended without storing the plan"
