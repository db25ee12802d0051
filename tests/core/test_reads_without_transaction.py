"""Reads of `READS_ONLY` routes run statement by statement on PostgreSQL (no ``BEGIN`` and
``COMMIT`` round trips); every write still runs in its request's transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.database import create_engine
from core.settings import Settings
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body
from xiangxing.app import create_app
from xiangxing.setup import upgrade_database

Seen = list[tuple[str, bool]]


@pytest.fixture
async def committing_app(
    scratch_settings: Settings, clock: FakeClock
) -> AsyncIterator[tuple[AsyncClient, Seen]]:
    """The real app on an empty PostgreSQL database of its own, noting for every statement
    whether the connection was inside a transaction."""
    if scratch_settings.is_sqlite:
        pytest.skip("SQLite's reads keep their transaction: the mode is PostgreSQL's")
    settings = scratch_settings.model_copy(update={"search_indexer": False})
    engine = create_engine(settings)
    await upgrade_database(engine)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        station = await make_station(session)
        await make_user(session, Role.STATION_WORKER, username="poster", station=station)
        await session.commit()
    app = create_app(settings, clock=clock)
    seen: Seen = []

    def note(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        inside = connection.connection.driver_connection.is_in_transaction()
        seen.append((statement.split()[0], inside))

    event.listen(app.state.db_config.get_engine().sync_engine, "after_cursor_execute", note)
    async with serve(app) as client:
        yield client, seen
    await app.state.db_config.get_engine().dispose()
    await engine.dispose()


async def test_a_read_runs_without_a_transaction_and_a_post_within_one(
    committing_app: tuple[AsyncClient, Seen], clock: FakeClock
) -> None:
    client, seen = committing_app
    headers = await bearer(client, "poster")
    seen.clear()
    created = await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
    assert created.status_code == 201, created.text
    assert any(verb == "INSERT" for verb, _ in seen)
    assert all(inside for _, inside in seen), seen

    seen.clear()
    read = await client.get(f"/api/v1/needs/{created.json()['id']}", headers=headers)
    listed = await client.get("/api/v1/needs", params={"state": "draft"}, headers=headers)

    assert read.status_code == 200
    assert read.json()["title"] == need_body(clock)["title"]
    assert [need["id"] for need in listed.json()["items"]] == [created.json()["id"]]
    assert seen
    assert not any(inside for _, inside in seen), seen


async def test_a_page_not_marked_reads_in_a_transaction(
    committing_app: tuple[AsyncClient, Seen],
) -> None:
    """The transparency page is not marked: its figures must show one moment."""
    client, seen = committing_app
    seen.clear()
    page = await client.get("/transparency")
    assert page.status_code == 200
    assert seen
    assert all(inside for _, inside in seen), seen
