"""A long import does not lock everyone out on SQLite (issue 10, item 8): the file is read and
checked before the write lock is taken, and stored in hidden batches with the lock released
between two, so a sign-in during a full-size import succeeds, whether it arrives while the
file is read or while it is stored. Real app, real SQLite file, real concurrent requests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.models import Role
from core.database import create_engine
from core.settings import Environment, Settings
from demand.models import Need
from listings.importing import MAX_ROWS
from tests.conftest import FakeClock, copy_database
from tests.factories import PASSWORD, make_station, make_user
from tests.listings.test_import_export import NEED_HEADERS, csv_bytes, need_row
from tests.listings.test_import_limits import BodyReceived
from xiangxing.app import create_app


@pytest.fixture
async def file_engine(
    tmp_path: Path, migrated_file: Path
) -> AsyncIterator[tuple[Settings, AsyncEngine]]:
    settings = Settings(env=Environment.TEST, var_dir=tmp_path, search_indexer=False)
    copy_database(migrated_file, tmp_path)
    engine = create_engine(settings)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        station = await make_station(session)
        await make_user(session, Role.STATION_WORKER, username="importer", station=station)
        await make_user(session, Role.MEMBER, username="bystander")
        await session.commit()
    yield settings, engine
    await engine.dispose()


async def _token(client: httpx.AsyncClient, username: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
    )


async def _storing_started(engine: AsyncEngine, importing: asyncio.Task[httpx.Response]) -> bool:
    """Waits until the import's first batch is committed (hidden rows exist); False if the
    import ended without ever showing one."""
    async with AsyncSession(engine) as session:
        while not importing.done():
            staged = select(func.count()).select_from(Need).where(Need.import_batch.is_not(None))
            if await session.scalar(staged):
                return True
            await session.rollback()
            await asyncio.sleep(0.01)
    return False


def _full_size_file() -> bytes:
    rows = [need_row(f"以勒村第{n}号需求") for n in range(MAX_ROWS)]
    return csv_bytes(NEED_HEADERS, rows, "utf-8")


async def _start_import(client: httpx.AsyncClient, content: bytes) -> asyncio.Task[httpx.Response]:
    """The importer signs in and sends the file; the answer is awaited by the test."""
    importer = await _token(client, "importer")
    headers = {"Authorization": f"Bearer {importer.json()['access_token']}"}
    return asyncio.create_task(
        client.post("/api/v1/needs/import", files={"file": ("full.csv", content)}, headers=headers)
    )


async def test_a_sign_in_while_a_full_size_import_is_stored_succeeds(
    file_engine: tuple[Settings, AsyncEngine], clock: FakeClock
) -> None:
    settings, engine = file_engine
    app = create_app(settings, clock=clock)
    content = _full_size_file()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            importing = await _start_import(client, content)
            storing = await _storing_started(engine, importing)
            signed_in = await _token(client, "bystander")
            still_storing = not importing.done()
            imported = await importing
    assert storing, "the import never stored a batch before it ended"
    assert signed_in.status_code == 201, signed_in.text
    assert still_storing, "the sign-in was answered only after the import ended"
    assert imported.status_code == 201, imported.text[:300]
    async with AsyncSession(engine) as session:
        assert await session.scalar(select(func.count()).select_from(Need)) == MAX_ROWS
        hidden = select(func.count()).select_from(Need).where(Need.import_batch.is_not(None))
        assert await session.scalar(hidden) == 0


async def test_a_sign_in_during_a_full_size_import_succeeds(
    file_engine: tuple[Settings, AsyncEngine], clock: FakeClock
) -> None:
    settings, engine = file_engine
    app = create_app(settings, clock=clock)
    watcher = BodyReceived(app, "/api/v1/needs/import")
    content = _full_size_file()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=watcher)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            importing = await _start_import(client, content)
            await watcher.arrived.wait()
            signed_in = await _token(client, "bystander")
            imported = await importing
    assert signed_in.status_code == 201, signed_in.text
    assert imported.status_code == 201, imported.text[:300]
    async with AsyncSession(engine) as session:
        assert await session.scalar(select(func.count()).select_from(Need)) == MAX_ROWS
