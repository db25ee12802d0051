"""``/health``: 200 while the database answers, 503 when it is gone."""

from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.settings import Environment, Settings
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body
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
        "documents": 0,
        "published": 0,
        "in_step": True,
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
    body = response.json()
    assert body["status"] == "degraded"
    assert body["search"]["engine"] == "meilisearch"
    assert body["search"]["ok"] is False
    assert body["search"]["in_step"] is None


async def test_an_index_out_of_step_with_the_database_is_reported(
    app: Litestar, client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    """An engine that lost documents (a wiped volume, a restore without a reindex) is not
    green: the counts differ while nothing waits in the outbox."""
    station = await make_station(session)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, reviewer = await bearer(client, "worker"), await bearer(client, "rev")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)

    waiting = (await client.get("/health")).json()
    assert waiting["search"]["outbox"]["pending"] > 0
    assert (waiting["status"], waiting["search"]["in_step"]) == ("ok", True), "on its way"

    search = app.state.search
    await search.indexer.drain()
    drained = (await client.get("/health")).json()
    assert (drained["search"]["documents"], drained["search"]["published"]) == (1, 1)
    assert drained["status"] == "ok"

    await search.backend.delete([f"need:{need['id']}"])
    lost = await client.get("/health")
    assert lost.status_code == 200, "search never takes the app down"
    assert lost.json()["status"] == "degraded"
    assert lost.json()["search"] | {"outbox": None} == {
        "engine": "embedded",
        "ok": True,
        "documents": 0,
        "published": 1,
        "in_step": False,
        "outbox": None,
    }
