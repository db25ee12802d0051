"""Fault drill: the disk fills up during an upload. The uploads live on a filesystem of their
own, a tmpfs smaller than the photo: the station gets a clear 507 that says nothing was saved,
no photo row is added and no file, whole or partial, is left in the store."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from demand.models import NeedPhoto
from tests.conftest import FakeClock
from tests.demand.test_photos import PNG, _chunk, _draft, _upload, _worker

UPLOADS_SIZE = "64k"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """The app's uploads folder (``var/uploads`` of `tests.conftest.app`) on a 64 KB tmpfs."""
    uploads = tmp_path / "var" / "uploads"
    uploads.mkdir(parents=True)
    mounted = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={UPLOADS_SIZE}", "tmpfs", str(uploads)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.decode().strip()}")
    try:
        yield uploads
    finally:
        subprocess.run(["/usr/bin/umount", str(uploads)], check=False)  # noqa: S603


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


async def test_a_photo_larger_than_the_free_space_is_refused_and_leaves_nothing(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, small_disk: Path
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    photo = PNG[:-12] + _chunk(b"tEXt", b"Comment\x00" + os.urandom(256 * 1024)) + PNG[-12:]

    answer = await _upload(client, need_id, worker, content=photo)

    assert answer.status_code == 507, answer.text
    assert answer.json()["code"] == "storage_full"
    assert "没有保存" in answer.json()["message"]
    assert await session.scalar(select(func.count()).select_from(NeedPhoto)) == 0
    assert files_in(small_disk) == []
    assert (await _upload(client, need_id, worker)).status_code == 201, "a small one still fits"
