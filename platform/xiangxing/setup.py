"""Bring a database to the current schema and reference data: what every deployment needs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from catalogue.categories import sync_categories
from core.database import write_intent
from regions.loader import sync_regions
from xiangxing import migrate


async def sync_reference_data(engine: AsyncEngine) -> dict[str, int]:
    """Load the shipped reference files (divisions, categories) into their tables; idempotent."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        await migrate.one_at_a_time(await session.connection())
        changed = {
            "regions": await sync_regions(session),
            "categories": await sync_categories(session),
        }
        await session.commit()
    return changed


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> dict[str, int]:
    """Migrate, then sync reference data; safe to run on every start, by several at once:
    each of the two transactions waits for any other upgrade's (`migrate.one_at_a_time`)."""
    with write_intent():
        await migrate.upgrade(engine, revision)
        return await sync_reference_data(engine)
