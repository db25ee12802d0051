"""Files move with their rows (issue 10, item 9): a file is in place only once its row commits,
gone with a rollback; files are named by their content, so the same bytes are stored once; the
orphan sweep removes files no row names and what a crash left behind, never a young file."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.audit import Actor
from core.files import PENDING_PREFIX, ContentStore, orphan_sweep_job, put_after_commit
from demand.photo_service import NeedPhotoService
from demand.photo_store import PhotoStore
from demand.schemas import NeedFields
from demand.service import NeedService
from tests.conftest import FakeClock
from tests.demand.test_photos import PNG
from tests.factories import make_station, make_user, need_body
from tests.listings.test_pages import _identity


def files_under(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


async def test_a_file_appears_in_place_only_when_its_transaction_commits(
    session: AsyncSession, tmp_path: Path
) -> None:
    target = tmp_path / "docs" / "a.pdf"
    put_after_commit(session, target, b"%PDF-1.7")
    assert not target.exists()
    assert [name.startswith(PENDING_PREFIX) for name in files_under(tmp_path)] == [True]
    await session.commit()
    assert target.read_bytes() == b"%PDF-1.7"
    assert files_under(tmp_path) == ["a.pdf"]


async def test_a_rolled_back_upload_leaves_no_file(session: AsyncSession, tmp_path: Path) -> None:
    await make_station(session)  # the row the file would belong to
    put_after_commit(session, tmp_path / "b.pdf", b"%PDF-1.7")
    await session.rollback()
    assert files_under(tmp_path) == []


async def test_a_photo_whose_request_fails_leaves_nothing_behind(
    session: AsyncSession, clock: FakeClock, tmp_path: Path
) -> None:
    station = await make_station(session)
    worker = await make_user(session, Role.STATION_WORKER, station=station)
    identity = _identity(worker, station)
    actor = Actor(user_id=str(worker.id), username=worker.username, role="station_worker", ip=None)
    need = await NeedService(session, clock).create(
        NeedFields.model_validate(need_body(clock)), identity, actor
    )
    await session.commit()
    store = PhotoStore(ContentStore(tmp_path / "files"))
    await NeedPhotoService(session, clock, store).add(need.id, identity, actor, PNG)
    assert all(name.startswith(PENDING_PREFIX) for name in files_under(tmp_path))
    await session.rollback()
    assert files_under(tmp_path) == []


async def test_the_same_bytes_stored_twice_are_one_file_named_by_their_digest(
    session: AsyncSession, tmp_path: Path
) -> None:
    store = ContentStore(tmp_path)
    first = store.put_after_commit(session, b"%PDF-1.7 agreement")
    second = store.put_after_commit(session, b"%PDF-1.7 agreement")
    await session.commit()
    assert first == second == hashlib.sha256(b"%PDF-1.7 agreement").hexdigest()
    assert files_under(tmp_path) == [first]
    assert store.read(first) == b"%PDF-1.7 agreement"
    with pytest.raises(ValueError, match="not a SHA-256 digest"):
        store.path("../../etc/passwd")


def test_the_sweep_removes_old_orphans_and_crash_leftovers_only(tmp_path: Path) -> None:
    store = ContentStore(tmp_path)
    named, orphan, young_orphan = ("a" * 64, "b" * 64, "c" * 64)
    crashed = tmp_path / "dd" / f"{PENDING_PREFIX}crashed"
    uploading = tmp_path / "dd" / f"{PENDING_PREFIX}uploading-now"
    for path in (
        store.path(named),
        store.path(orphan),
        store.path(young_orphan),
        crashed,
        uploading,
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    now = datetime.now(UTC)
    two_hours_ago = (now - timedelta(hours=2)).timestamp()
    for path in (store.path(named), store.path(orphan), crashed):
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert store.sweep({named}, now) == 2
    assert files_under(tmp_path) == sorted([named, young_orphan, uploading.name])
    assert not (tmp_path / orphan[:2]).exists(), "emptied folders go too"


async def test_the_orphan_sweep_job_asks_every_domain_which_files_it_names(
    session: AsyncSession, tmp_path: Path, clock: FakeClock
) -> None:
    store = ContentStore(tmp_path)
    photo, document = ("a" * 64, "b" * 64)
    for digest in (photo, document):
        store.path(digest).parent.mkdir(parents=True, exist_ok=True)
        store.path(digest).write_bytes(b"x")

    async def photos(_session: AsyncSession) -> set[str]:
        return {photo}

    async def documents(_session: AsyncSession) -> set[str]:
        return {document}

    later = datetime.now(UTC) + timedelta(hours=2)
    assert await orphan_sweep_job("test.files", store, [photos, documents]).run(session, later) == 0
    assert await orphan_sweep_job("test.files", store, [photos]).run(session, later) == 1
    assert files_under(tmp_path) == [photo]
