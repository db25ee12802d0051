"""Migration 0014 moves the photos of needs into the content store and back again: a photo
stored before the upgrade is served from its digest after it, and a downgrade restores the
old place."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.models import Role, Station, User
from core.audit import Actor
from core.files import ContentStore
from core.settings import Settings, get_settings
from demand.models import NeedPhoto
from demand.schemas import NeedFields
from demand.service import NeedService
from tests.conftest import FakeClock
from tests.demand.test_photos import PNG
from tests.factories import make_station, need_body
from tests.listings.test_pages import _identity
from xiangxing import migrate
from xiangxing.setup import upgrade_database


async def _user_at_0013(session: AsyncSession, station: Station) -> User:
    """A station worker written with the columns the table had at 0013 (the model has gained
    some since), and the same user as an object for the identity."""
    columns = {
        "username": "worker0013",
        "display_name": "测试用户",
        "password_hash": "-",
        "roles": [Role.STATION_WORKER.value],
        "reviewer_categories": [],
        "station_id": station.id,
    }
    user_id = await session.scalar(
        insert(User.__table__).values(**columns).returning(User.__table__.c.id)
    )
    return User(id=user_id, **columns)


async def test_photo_files_move_into_the_content_store_and_back(
    scratch_engine: AsyncEngine,
    scratch_settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(scratch_settings.var_dir))
    get_settings.cache_clear()
    try:
        # The rows are written with today's models, so at the newest revision, and the
        # database taken back to 0013 before the photo is put where 0013 kept it.
        await upgrade_database(scratch_engine)
        async with AsyncSession(scratch_engine, expire_on_commit=False) as session:
            station = await make_station(session)
            worker = await _user_at_0013(session, station)
            actor = Actor(str(worker.id), worker.username, "station_worker", None)
            need = await NeedService(session, clock).create(
                NeedFields.model_validate(need_body(clock)), _identity(worker, station), actor
            )
            digest = hashlib.sha256(PNG).hexdigest()
            photo = NeedPhoto(
                need_id=need.id,
                content_type="image/png",
                byte_size=len(PNG),
                sha256=digest,
                created_at=datetime.now(UTC),
            )
            session.add(photo)
            await session.commit()
        await migrate.downgrade(scratch_engine, "0013")
        old_place = scratch_settings.var_dir / "uploads" / "needs" / str(need.id)
        old_file = old_place / f"{photo.id}.png"
        old_file.parent.mkdir(parents=True)
        old_file.write_bytes(PNG)
        store = ContentStore.of(scratch_settings)

        await migrate.upgrade(scratch_engine, "0014")
        assert store.read(digest) == PNG
        assert not old_place.exists()

        await migrate.downgrade(scratch_engine, "0013")
        assert old_file.read_bytes() == PNG
        assert not store.path(digest).exists()
    finally:
        get_settings.cache_clear()
