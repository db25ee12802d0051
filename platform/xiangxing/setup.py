"""Bring a database to the current schema and reference data: what every deployment needs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from catalogue.categories import sync_categories
from core.database import write_intent
from regions.loader import sync_regions
from xiangxing import migrate

UPGRADE_LOCK_KEY = 0x7869616E67  # "xiang": one PostgreSQL advisory lock for every upgrade


async def sync_reference_data(engine: AsyncEngine) -> dict[str, int]:
    """Load the shipped reference files (divisions, categories) into their tables; idempotent."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        changed = {
            "regions": await sync_regions(session),
            "categories": await sync_categories(session),
        }
        await session.commit()
    return changed


@asynccontextmanager
async def one_upgrade_at_a_time(engine: AsyncEngine) -> AsyncIterator[None]:
    """Two containers or workers starting together both run ``db upgrade``: on PostgreSQL the
    second waits on an advisory lock (held by a connection of its own, outside any
    transaction) and then finds nothing left to do; on SQLite every transaction takes the
    write lock first."""
    with write_intent():
        if engine.dialect.name != "postgresql":
            yield
            return
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            key = {"key": UPGRADE_LOCK_KEY}
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> dict[str, int]:
    """Migrate, then sync reference data; safe to run on every start, by several at once."""
    async with one_upgrade_at_a_time(engine):
        await migrate.upgrade(engine, revision)
        return await sync_reference_data(engine)
