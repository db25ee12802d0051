"""Periodic and deferred jobs: a due job runs, one not due does not, a failure is recorded and
the next job still runs, and two runners never run the same job at the same moment."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from litestar import Litestar
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.jobs import Job, JobRunner, Outcome, ScheduledJob, defer
from core.settings import Settings
from tests.clients import serve
from tests.conftest import FakeClock
from xiangxing.setup import upgrade_database

HOURLY = timedelta(hours=1)


class Calls:
    """What a test job was asked to do, and when."""

    def __init__(self) -> None:
        self.moments: list[datetime] = []

    async def __call__(self, _session: AsyncSession, now: datetime) -> None:
        self.moments.append(now)


async def _broken(_session: AsyncSession, _now: datetime) -> None:
    msg = "the mail server is down"
    raise ConnectionError(msg)


async def _row(session: AsyncSession, name: str) -> ScheduledJob:
    row = await session.scalar(
        select(ScheduledJob)
        .where(ScheduledJob.name == name)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def test_a_periodic_job_runs_when_due_and_not_before(
    session_maker: async_sessionmaker[AsyncSession], session: AsyncSession, clock: FakeClock
) -> None:
    calls = Calls()
    runner = JobRunner(session_maker, [Job("test.hourly", calls, every=HOURLY)], clock)

    assert await runner.run_due() == ["test.hourly"], "a job new to the database is due at once"
    clock.advance(minutes=59)
    assert await runner.run_due() == []
    clock.advance(minutes=1)
    assert await runner.run_due() == ["test.hourly"]

    assert calls.moments == [clock() - HOURLY, clock()]
    row = await _row(session, "test.hourly")
    assert (row.due_at, row.last_outcome, row.last_error) == (clock() + HOURLY, Outcome.OK, "")


async def test_a_failing_job_is_recorded_and_the_next_one_still_runs(
    session_maker: async_sessionmaker[AsyncSession], session: AsyncSession, clock: FakeClock
) -> None:
    calls = Calls()
    jobs = [Job("test.broken", _broken, every=HOURLY), Job("test.after", calls, every=HOURLY)]
    runner = JobRunner(session_maker, jobs, clock)

    assert await runner.run_due() == ["test.broken", "test.after"]

    assert calls.moments == [clock()]
    broken = await _row(session, "test.broken")
    assert broken.last_outcome is Outcome.FAILED
    assert broken.last_error == "ConnectionError: the mail server is down"
    assert broken.due_at == clock() + HOURLY, "tried again at its next interval, not at once"


async def test_a_deferred_job_runs_once_at_its_time(
    session_maker: async_sessionmaker[AsyncSession], session: AsyncSession, clock: FakeClock
) -> None:
    calls = Calls()
    runner = JobRunner(session_maker, [Job("test.once", calls)], clock)
    assert await runner.run_due() == [], "a deferred job is due only once deferred"

    await defer(session, "test.once", clock() + timedelta(days=1))
    await session.commit()
    clock.advance(hours=23)
    assert await runner.run_due() == []
    clock.advance(hours=1)
    assert await runner.run_due() == ["test.once"]
    clock.advance(days=30)
    assert await runner.run_due() == []

    assert calls.moments == [clock() - timedelta(days=30)]
    assert (await _row(session, "test.once")).due_at is None


async def test_a_deferred_job_that_failed_is_tried_again(
    session_maker: async_sessionmaker[AsyncSession], session: AsyncSession, clock: FakeClock
) -> None:
    runner = JobRunner(session_maker, [Job("test.flaky", _broken)], clock)
    await defer(session, "test.flaky", clock())
    await session.commit()

    assert await runner.run_due() == ["test.flaky"]
    assert await runner.run_due() == []
    clock.advance(minutes=5)
    assert await runner.run_due() == ["test.flaky"]
    assert (await _row(session, "test.flaky")).last_outcome is Outcome.FAILED


async def test_two_runners_at_once_run_a_due_job_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two app instances (or workers) find the same job due at the same moment: one claims it,
    the other passes it by. Each runner has its own connections, as separate processes do."""
    started = asyncio.Event()
    calls = Calls()

    async def slow(session: AsyncSession, now: datetime) -> None:
        started.set()
        await calls(session, now)
        await asyncio.sleep(0.2)

    sessions = async_sessionmaker(engine, expire_on_commit=False)
    runners = [JobRunner(sessions, [Job("test.race", slow, every=HOURLY)], clock) for _ in "ab"]
    try:
        for runner in runners:
            await runner._register()
        ran = await asyncio.gather(*(runner.run_due() for runner in runners))
    finally:
        async with sessions() as session:
            await session.execute(delete(ScheduledJob).where(ScheduledJob.name == "test.race"))
            await session.commit()
    assert sorted(ran) == [[], ["test.race"]]
    assert len(calls.moments) == 1


async def test_the_worker_command_runs_the_due_jobs_once_and_exits(
    scratch_settings: Settings, scratch_engine: AsyncEngine
) -> None:
    await upgrade_database(scratch_engine)
    environment = {
        **os.environ,
        "XIANGXING_DATABASE_URL": scratch_settings.resolved_database_url,
        "XIANGXING_VAR_DIR": str(scratch_settings.var_dir),
        "XIANGXING_ENV": "test",
    }

    async def worker_once() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "xiangxing.cli",
            "worker",
            "--once",
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        assert process.returncode == 0, output.decode()
        return output.decode().strip().splitlines()[-1]

    first = await worker_once()
    assert first.startswith("ran 4 due jobs: "), first
    assert "matching.expire_proposals" in first
    assert "outcomes.follow_due_reports" in first
    assert await worker_once() == "ran 0 due jobs: -", "none is due again yet"
    async with AsyncSession(scratch_engine) as session:
        outcomes = set(await session.scalars(select(ScheduledJob.last_outcome)))
    assert outcomes == {Outcome.OK}


async def test_the_app_runs_due_jobs_in_the_background_when_asked(
    make_app: Callable[[Settings], Litestar],
    test_settings: Settings,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    settings = test_settings.model_copy(update={"jobs_in_app": True, "var_dir": tmp_path})
    async with serve(make_app(settings)):
        for _ in range(100):
            outcomes = dict(
                (await session.execute(select(ScheduledJob.name, ScheduledJob.last_outcome))).all()
            )
            if len(outcomes) == 4 and None not in outcomes.values():
                break
            await asyncio.sleep(0.05)
    assert outcomes == {
        "matching.expire_proposals": Outcome.OK,
        "outcomes.follow_due_reports": Outcome.OK,
        "catalogue.sweep_imports": Outcome.OK,
        "core.sweep_files": Outcome.OK,
    }
