"""`core.snapshot_reads`: on PostgreSQL the reads of one page run at once, each on a connection
of its own, and all see the records of the request's snapshot, not what was committed after;
elsewhere, and on a session bound to one connection, they take turns on that session."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.jobs import ScheduledJob
from core.snapshot_reads import snapshot_reads

NAME = "test.snapshot_reads"


async def test_reads_run_at_once_on_connections_of_their_own_in_one_snapshot(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("one server process per connection is PostgreSQL's")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    both_reading = asyncio.Barrier(2)

    async def seen(own: AsyncSession) -> tuple[int, int]:
        await asyncio.wait_for(both_reading.wait(), timeout=30)  # one at a time never gets past
        backend = await own.scalar(select(func.pg_backend_pid()))
        jobs = await own.scalar(select(func.count()).where(ScheduledJob.name == NAME))
        return backend or 0, jobs or 0

    try:
        async with sessions() as request:
            own_backend = await request.scalar(select(func.pg_backend_pid()))
            read = await snapshot_reads(request)
            async with sessions() as later:
                later.add(ScheduledJob(name=NAME, last_error=""))
                await later.commit()
            first, second = await asyncio.gather(read(seen), read(seen))
    finally:
        async with sessions() as cleanup:
            await cleanup.execute(delete(ScheduledJob).where(ScheduledJob.name == NAME))
            await cleanup.commit()
    assert len({own_backend, first[0], second[0]}) == 3
    assert (first[1], second[1]) == (0, 0), "a read saw a row committed after the snapshot"


async def test_on_one_connection_the_reads_take_turns_on_the_session(
    session: AsyncSession,
) -> None:
    read = await snapshot_reads(session)
    steps: list[str] = []

    async def step(own: AsyncSession, name: str) -> bool:
        steps.append(f"{name} begins")
        await own.execute(text("SELECT 1"))
        await asyncio.sleep(0)
        steps.append(f"{name} ends")
        return own is session

    on_session = await asyncio.gather(
        read(lambda own: step(own, "a")), read(lambda own: step(own, "b"))
    )
    assert on_session == [True, True]
    assert steps == ["a begins", "a ends", "b begins", "b ends"]
