"""The platform behind PgBouncer in transaction mode, as operations.md suggests for a
province: started from an empty database through it (two upgrades at once), then a station's
workers posting and reading needs side by side, each transaction on whichever server
connection PgBouncer lends. A real PgBouncer (``.ci/run`` installs Debian's) in front of the
test's PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.database import create_engine
from core.settings import Settings
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body
from tests.served_demo import free_ports
from tests.xiangxing.upgrades import upgrade_in_a_process
from xiangxing.app import create_app

WORKERS = 6
SERVER_CONNECTIONS = 2
"""Fewer server connections than clients, so transactions keep changing connections."""


@pytest.fixture
def pgbouncer(scratch_settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Settings whose database URL names a PgBouncer (transaction mode, a small pool) in
    front of the scratch database."""
    if scratch_settings.is_sqlite:
        pytest.skip("PgBouncer pools PostgreSQL connections")
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        pytest.skip("PgBouncer is not installed here (.ci/run installs it)")
    url = make_url(scratch_settings.resolved_database_url)
    (port,) = free_ports(1)
    folder = tmp_path / "pgbouncer"
    folder.mkdir()
    (folder / "users.txt").write_text(f'"{url.username}" "{url.password}"\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{url.database} = host={url.host} port={url.port} dbname={url.database}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = plain\nauth_file = {folder / 'users.txt'}\npool_mode = transaction\n"
        f"default_pool_size = {SERVER_CONNECTIONS}\nserver_reset_query = DISCARD ALL\n"
        "server_reset_query_always = 1\n"
    )
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command[1:1] = ["-u", "postgres"]
        for path in (tmp_path, folder, *folder.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603 (our own command line)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"PgBouncer stopped: {process.stdout.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.05)
        through = url.set(port=port).render_as_string(hide_password=False)
        yield scratch_settings.model_copy(
            update={"database_url": through, "database_pgbouncer": True, "search_indexer": False}
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
async def started(pgbouncer: Settings) -> Settings:
    """The empty database upgraded through PgBouncer by two starters at once, and a station
    with six workers."""
    async with asyncio.timeout(120):
        results = await asyncio.gather(*(upgrade_in_a_process(pgbouncer) for _ in "ab"))
    assert [code for code, _ in results] == [0, 0], results
    engine = create_engine(pgbouncer)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            station = await make_station(session)
            for number in range(WORKERS):
                await make_user(
                    session, Role.STATION_WORKER, username=f"s{number}", station=station
                )
            await session.commit()
    finally:
        await engine.dispose()
    return pgbouncer


async def test_workers_post_and_read_needs_side_by_side(
    started: Settings, clock: FakeClock
) -> None:
    app = create_app(started, clock=clock)
    async with serve(app) as client:

        async def at_work(number: int) -> list[str]:
            headers = await bearer(client, f"s{number}")
            posted = []
            for turn in range(4):
                body = need_body(clock, title=f"以勒村第{number}位社工的第{turn}项需求")
                created = await client.post("/api/v1/needs", json=body, headers=headers)
                assert created.status_code == 201, created.text
                posted.append(created.json()["id"])
                read = await client.get(f"/api/v1/needs/{posted[-1]}", headers=headers)
                assert read.status_code == 200, read.text
            return posted

        posted = await asyncio.gather(*(at_work(number) for number in range(WORKERS)))
        listed = await client.get(
            "/api/v1/needs",
            params={"state": "draft", "page_size": 100},
            headers=await bearer(client, "s0"),
        )
    assert listed.status_code == 200, listed.text
    assert {need["id"] for need in listed.json()["items"]} == {i for ids in posted for i in ids}

    engine = create_engine(started)
    try:
        async with engine.connect() as connection:
            shown = await connection.scalar(text("SHOW random_page_cost"))
    finally:
        await engine.dispose()
    assert shown == "4", "behind PgBouncer the database's own setting applies"
