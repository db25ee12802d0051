"""Fault drill: the server is killed (SIGKILL, as a crash or the out-of-memory killer would)
in the middle of a large import. Nothing of it is seen by anyone: the batches it had stored stay
hidden until the sweep removes them, and the station, whose request got no answer, sends the
file again to a restarted server and gets every row once.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import local_date
from core.database import create_engine
from core.settings import Environment, Settings
from listings.importing import staging
from tests.conftest import SQLITE_FILE, copy_database
from tests.listings.test_import_export import NEED_HEADERS, csv_bytes, need_row
from tests.served_demo import Served, serving
from xiangxing.demo import DEMO_PASSWORD

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("XIANGXING_TEST_DATABASE_URL")),
    reason="the drill kills a demo served on SQLite of its own: once, in the SQLite pass",
)

ROWS = 3000
TITLE = "以勒村留守儿童暑期托管点（批量导入）"


@pytest.fixture
def var_dir(tmp_path: Path, demo_file: Path) -> Path:
    copy_database(demo_file, tmp_path)
    return tmp_path


def counts(database: Path) -> tuple[int, int]:
    """The imported needs seen (their batch revealed) and still hidden in a batch."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        seen, hidden = connection.execute(
            "SELECT count(*) FILTER (WHERE import_batch IS NULL), "
            "count(*) FILTER (WHERE import_batch IS NOT NULL) FROM need WHERE title LIKE ?",
            (f"{TITLE}%",),
        ).fetchone()
    return int(seen), int(hidden)


def import_file() -> bytes:
    deadline = (local_date(datetime.now(UTC)) + timedelta(days=90)).isoformat()
    rows = [need_row(f"{TITLE}{n}", 截止日期=deadline) for n in range(ROWS)]
    return csv_bytes(NEED_HEADERS, rows, "utf-8")


def send(served: Served, content: bytes) -> httpx.Response:
    token = httpx.post(
        f"{served.base}/api/v1/auth/token",
        json={"username": "station_worker", "password": DEMO_PASSWORD},
        timeout=60,
    ).json()["access_token"]
    return httpx.post(
        f"{served.base}/api/v1/needs/import",
        files={"file": ("needs.csv", content, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )


def kill_once_hidden(served: Served, database: Path, killed: threading.Event) -> None:
    """Kill the server as soon as the import has stored a hidden batch."""
    while served.process.poll() is None:
        if counts(database)[1] > 0:
            served.kill()
            killed.set()
            return
        time.sleep(0.02)


async def sweep_an_hour_later(var_dir: Path) -> int:
    engine = create_engine(Settings(env=Environment.TEST, var_dir=var_dir))
    try:
        async with AsyncSession(engine) as session:
            later = datetime.now(UTC) + staging.ABANDONED_AFTER + timedelta(minutes=1)
            removed = await staging.sweep(session, later)
            await session.commit()
            return removed
    finally:
        await engine.dispose()


def test_an_import_killed_midway_shows_nothing_and_succeeds_when_sent_again(
    var_dir: Path,
) -> None:
    content = import_file()
    database = var_dir / SQLITE_FILE
    killed = threading.Event()
    with serving(var_dir) as served:
        killer = threading.Thread(target=kill_once_hidden, args=(served, database, killed))
        killer.start()
        with pytest.raises(httpx.TransportError):
            send(served, content)
        killer.join()
    assert killed.is_set()

    seen, hidden = counts(database)
    assert seen == 0, "nobody sees half an import"
    assert 0 < hidden < ROWS
    assert asyncio.run(sweep_an_hour_later(var_dir)) == hidden
    assert counts(database) == (0, 0)

    with serving(var_dir) as served:
        answer = send(served, content)
        assert answer.status_code == 201, answer.text[:500]
    assert counts(database) == (ROWS, 0)
