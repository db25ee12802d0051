"""The demo in a database of its own, for the tests of what a newcomer finds in it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.database import create_engine
from core.settings import Environment, Settings
from tests.conftest import copy_database


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Settings:
    """A copy of the run's demo database with its uploaded files."""
    var_dir = tmp_path_factory.mktemp("demo")
    copy_database(demo_file, var_dir)
    return Settings(env=Environment.TEST, var_dir=var_dir)


@pytest.fixture(scope="module")
async def demo(demo_settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on the demo; what a test writes is rolled back after the module."""
    engine = create_engine(demo_settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            yield session
            await session.rollback()
    finally:
        await engine.dispose()
