"""``/health``: 200 while the database answers, 503 when it is gone."""

from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import AsyncClient
from litestar import Litestar

from core.settings import Environment, Settings
from tests.clients import serve
from xiangxing.app import create_app


async def test_health_reports_database_and_search(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["backend"] in {"sqlite", "postgresql"}
    assert body["search"] == {
        "engine": "embedded",
        "ok": True,
        "outbox": {"pending": 0, "oldest_pending_seconds": None},
    }
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "database_url",
    [
        "postgresql+asyncpg://nobody:nothing@127.0.0.1:1/gone",
        "sqlite+aiosqlite:////nonexistent-directory/for/xiangxing.db",
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
async def test_health_is_503_when_the_database_is_gone(tmp_path: Path, database_url: str) -> None:
    settings = Settings(env=Environment.TEST, database_url=database_url, var_dir=tmp_path)
    async with serve(create_app(settings)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert body["database"]["error"]


async def test_unreachable_search_engine_is_reported_but_not_fatal(
    test_settings: Settings, make_app: Callable[[Settings], Litestar]
) -> None:
    settings = test_settings.model_copy(update={"search_url": "http://127.0.0.1:1"})
    async with serve(make_app(settings)) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["search"]["engine"] == "meilisearch"
    assert response.json()["search"]["ok"] is False
