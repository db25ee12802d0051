"""Several workers or containers starting at once on a fresh database: ``db upgrade`` takes
turns, and the search indexers' once-a-day sweep creates its mark row once, without errors."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from core.settings import Settings
from search.embedded import EmbeddedSearch
from search.indexer import Indexer
from search.models import ExpirySweep
from tests.xiangxing.upgrades import upgrade_in_a_process
from xiangxing import migrate
from xiangxing.setup import upgrade_database

SWEEP_DAY = date(2026, 6, 1)


async def test_two_upgrades_at_once_both_succeed(
    scratch_settings: Settings, scratch_engine: AsyncEngine
) -> None:
    if scratch_settings.is_sqlite:
        pytest.skip("the upgrade lock is PostgreSQL's advisory lock; SQLite serialises writers")
    async with asyncio.timeout(120):
        results = await asyncio.gather(*(upgrade_in_a_process(scratch_settings) for _ in "ab"))
    assert [code for code, _ in results] == [0, 0], results
    outputs = sorted(output.strip().splitlines()[-1] for _, output in results)
    assert outputs == [
        "upgraded to head; divisions new or changed: 0",
        "upgraded to head; divisions new or changed: 1564",
    ], f"one loaded the divisions, the other waited and found them there: {results}"
    assert await migrate.current_revision(scratch_engine) is not None


async def test_indexers_sweeping_a_fresh_database_together_create_one_mark(
    scratch_engine: AsyncEngine, scratch_settings: Settings
) -> None:
    await upgrade_database(scratch_engine)
    backend = EmbeddedSearch(scratch_settings.search_dir)
    sessions = async_sessionmaker(scratch_engine, expire_on_commit=False)
    indexers = [Indexer(sessions, backend, today=lambda: SWEEP_DAY) for _ in range(3)]
    try:
        await asyncio.gather(*(indexer.sweep() for indexer in indexers))
    finally:
        await backend.close()
    async with sessions() as session:
        marks = (
            await session.execute(select(func.count(), func.max(ExpirySweep.swept_through)))
        ).one()
    assert tuple(marks) == (1, SWEEP_DAY)
