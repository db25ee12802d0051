"""Backup and restore round trip: every table's rows and content, the uploaded files and the
search index come back, on SQLite and on PostgreSQL; a damaged backup or a database in use is
refused before anything changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalogue.workflow import EntryState
from core.database import create_engine
from core.settings import Environment, Settings
from demand.models import Need
from search.runtime import build_backend
from supply.models import Offer
from tests.conftest import copy_database
from xiangxing.backup import BackupError, restore_backup, write_backup
from xiangxing.census import census_differences, take_census
from xiangxing.demo import load_demo_data
from xiangxing.pg_tools import PgToolError
from xiangxing.setup import upgrade_database

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
PHOTO_PATH = Path("uploads/needs/0190d7c0-0000-7000-8000-000000000001/photo.jpg")
CRITICAL_TABLES = ("need", "need_line", "offer", "offer_line", "entry_event", "organization")
"""What the census must carry for the round trip to mean anything (the demo fills them)."""


async def _published(engine: AsyncEngine) -> int:
    async with AsyncSession(engine) as session:
        needs = select(func.count()).where(Need.state == EntryState.PUBLISHED)
        offers = select(func.count()).where(Offer.state == EntryState.PUBLISHED)
        return (await session.scalar(needs) or 0) + (await session.scalar(offers) or 0)


async def _empty(settings: Settings, engine: AsyncEngine) -> Settings:
    """An empty database to restore into: a new SQLite file, or the PostgreSQL database
    emptied, each with a var folder of its own."""
    target = settings.model_copy(update={"var_dir": settings.var_dir.parent / "restored"})
    if settings.is_sqlite:
        return target
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    return target


@pytest.fixture
async def source(
    scratch_settings: Settings, scratch_engine: AsyncEngine, demo_file: Path
) -> Settings:
    """A database with the demo catalogue (accounts, entries in every state, an event, its
    agreements with their scans) and an uploaded photo: data that was committed, as a backup
    sees it (on SQLite a copy of the run's demo database)."""
    if scratch_settings.is_sqlite:
        copy_database(demo_file, scratch_settings.var_dir)
    else:
        await upgrade_database(scratch_engine)
        await load_demo_data(scratch_engine, scratch_settings)
    photo = scratch_settings.var_dir / PHOTO_PATH
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    return scratch_settings


async def _backup_or_skip(settings: Settings, folder: Path) -> None:
    try:
        await write_backup(settings, folder)
    except PgToolError as exc:
        pytest.skip(f"no usable pg_dump: {exc}")


async def test_backup_then_restore_gives_back_every_row_file_and_the_index(
    source: Settings, scratch_engine: AsyncEngine, tmp_path: Path
) -> None:
    async with scratch_engine.connect() as connection:
        before = await take_census(connection)
    published = await _published(scratch_engine)
    assert published > 0
    assert {table: before[table].rows > 0 for table in CRITICAL_TABLES} == dict.fromkeys(
        CRITICAL_TABLES, True
    )
    await _backup_or_skip(source, tmp_path / "backup")

    target = await _empty(source, scratch_engine)
    restored = await restore_backup(target, tmp_path / "backup")

    engine = create_engine(target)
    try:
        async with engine.connect() as connection:
            after = await take_census(connection)
        assert census_differences(before, after) == []
        assert {table: after[table].rows for table in after} == {
            table: before[table].rows for table in before
        }
        assert (target.var_dir / PHOTO_PATH).read_bytes() == PHOTO
        assert restored.files == 1 + before["agreement_document"].rows, "the photo, the scans"
        assert restored.documents == published
        search = build_backend(target)
        try:
            assert await search.count() == published, "the index was rebuilt from the database"
        finally:
            await search.close()

        async with engine.begin() as connection:
            await connection.execute(
                update(Need)
                .values(title="改过的标题")
                .where(Need.id == select(Need.id).limit(1).scalar_subquery())
            )
            changed = await take_census(connection)
        assert census_differences(before, changed) == ["need: same 163 rows, different content"]
    finally:
        await engine.dispose()


async def test_restore_refuses_a_database_in_use(source: Settings, tmp_path: Path) -> None:
    await _backup_or_skip(source, tmp_path / "backup")
    with pytest.raises(BackupError, match="restore goes into an empty database"):
        await restore_backup(source, tmp_path / "backup")


async def test_a_damaged_backup_is_refused_before_anything_is_looked_at(
    source: Settings, tmp_path: Path
) -> None:
    """The checksums are checked first: even the database in use is not the complaint."""
    await _backup_or_skip(source, tmp_path / "backup")
    (tmp_path / "backup" / PHOTO_PATH).write_bytes(PHOTO[:-1] + b"\x00")
    with pytest.raises(BackupError, match=f"{PHOTO_PATH.as_posix()}: checksum differs"):
        await restore_backup(source, tmp_path / "backup")


async def test_backup_goes_into_a_new_or_empty_folder(source: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "something").write_text("x", encoding="utf-8")
    with pytest.raises(BackupError, match="not empty"):
        await write_backup(source, folder)


async def test_backup_of_a_missing_sqlite_database_is_refused(tmp_path: Path) -> None:
    nowhere = Settings(env=Environment.TEST, var_dir=tmp_path / "never-made")
    with pytest.raises(BackupError, match="no database at"):
        await write_backup(nowhere, tmp_path / "backup")
