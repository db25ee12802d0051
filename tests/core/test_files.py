"""Files move with their rows (issue 10, item 9): a file is in place only once its row commits,
gone with a rollback, removed only when its row's deletion commits; what a crash leaves behind
is swept."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.audit import Actor
from core.files import PENDING_PREFIX, put_after_commit, remove_after_commit, sweep
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

    remove_after_commit(session, target)
    assert target.exists()
    await session.commit()
    assert files_under(tmp_path) == []


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
    store = PhotoStore(tmp_path / "needs")
    await NeedPhotoService(session, clock, store).add(need.id, identity, actor, PNG)
    assert not any(name.endswith(".png") for name in files_under(tmp_path))
    await session.rollback()
    assert files_under(tmp_path) == []


def test_the_sweep_removes_only_old_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "needs" / "n1"
    folder.mkdir(parents=True)
    old_pending = folder / f"{PENDING_PREFIX}crashed"
    new_pending = folder / f"{PENDING_PREFIX}uploading-now"
    photo = folder / "p1.png"
    for path in (old_pending, new_pending, photo):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old_pending, (two_hours_ago, two_hours_ago))
    os.utime(photo, (two_hours_ago, two_hours_ago))
    assert sweep(tmp_path) == 1
    assert files_under(tmp_path) == sorted([new_pending.name, photo.name])
