"""PostgreSQL plans the app's statements with the page cost the deployment sets: 1.1 unless
told otherwise (data in memory or on SSD), so lists read through their indexes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.database import create_engine
from core.settings import Settings


@pytest.mark.parametrize(("configured", "shown"), [(None, "1.1"), (4.0, "4")])
async def test_connections_plan_with_the_configured_page_cost(
    test_settings: Settings, configured: float | None, shown: str
) -> None:
    if test_settings.is_sqlite:
        pytest.skip("a PostgreSQL planner setting")
    settings = test_settings
    if configured is not None:
        settings = test_settings.model_copy(update={"database_random_page_cost": configured})
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW random_page_cost")) == shown
    finally:
        await engine.dispose()
