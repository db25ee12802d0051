"""`core.database.locked`: on PostgreSQL a row read for update is held until the transaction
ends, and other workers may pass it over; on SQLite the clause is left out (one writer at a
time already serializes writes)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from core.database import locked
from core.jobs import ScheduledJob


async def test_a_locked_row_is_passed_over_by_a_worker_that_skips_locked_rows(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "postgresql":
        sql = str(locked(select(ScheduledJob)).compile(engine))
        assert "FOR UPDATE" not in sql
        pytest.skip("row locks are PostgreSQL's; SQLite serializes writers")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as setup:
        setup.add(ScheduledJob(name="test.locked", last_error=""))
        await setup.commit()
    try:
        async with sessions() as holder, sessions() as other:
            held = await holder.scalar(
                locked(select(ScheduledJob.name).where(ScheduledJob.name == "test.locked"))
            )
            passed_over = await other.scalar(
                locked(
                    select(ScheduledJob.name).where(ScheduledJob.name == "test.locked"),
                    skip_locked=True,
                )
            )
            await holder.rollback()
            free_again = await other.scalar(
                locked(
                    select(ScheduledJob.name).where(ScheduledJob.name == "test.locked"),
                    skip_locked=True,
                )
            )
    finally:
        async with sessions() as cleanup:
            await cleanup.execute(delete(ScheduledJob).where(ScheduledJob.name == "test.locked"))
            await cleanup.commit()
    assert (held, passed_over, free_again) == ("test.locked", None, "test.locked")
