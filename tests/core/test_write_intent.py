"""SQLite writers that read first: with the write intent they queue for the lock instead of
failing with "database is locked" on a stale snapshot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.database import create_engine, write_intent
from core.settings import Environment, Settings


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncEngine:
    engine = create_engine(Settings(env=Environment.TEST, var_dir=tmp_path))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        await connection.execute(text("INSERT INTO counter VALUES (0)"))
    return engine


async def _increment(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        n = (await connection.execute(text("SELECT n FROM counter"))).scalar_one()
        await asyncio.sleep(0.05)
        await connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})


async def test_read_then_write_without_intent_is_refused(sqlite: AsyncEngine) -> None:
    results = await asyncio.gather(_increment(sqlite), _increment(sqlite), return_exceptions=True)
    assert any(isinstance(result, OperationalError) for result in results)
    await sqlite.dispose()


async def test_writers_with_intent_take_turns_and_lose_nothing(sqlite: AsyncEngine) -> None:
    async def increment() -> None:
        with write_intent():
            await _increment(sqlite)

    await asyncio.gather(*(increment() for _ in range(4)))
    async with sqlite.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 4
    await sqlite.dispose()
