"""The demo in a database of its own, for the tests of what a newcomer finds in it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.database import create_engine
from core.settings import Environment, Settings
from xiangxing.demo import load_demo_data
from xiangxing.setup import upgrade_database


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(env=Environment.TEST, var_dir=tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
async def demo(demo_settings: Settings) -> AsyncIterator[AsyncSession]:
    """The demo loaded (loading it commits), and a session on it."""
    engine = create_engine(demo_settings)
    try:
        await upgrade_database(engine)
        await load_demo_data(engine, demo_settings)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            yield session
    finally:
        await engine.dispose()
