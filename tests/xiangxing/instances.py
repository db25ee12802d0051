"""Three ``xiangxing serve`` processes on one database and one var folder (its uploads and the
embedded search index), as app instances behind a load balancer run: for the tests that what
one instance does, the others see. The database is the demo: a copy of the run's demo file on
SQLite, or on PostgreSQL the database ``<test database>_instances``, loaded here and dropped
afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.database import create_engine
from core.settings import Environment, Settings
from tests.conftest import TEST_DATABASE_URL, copy_database
from tests.served_demo import BIN, START_SECONDS, free_ports
from xiangxing.demo import load_demo_data
from xiangxing.setup import upgrade_database

INSTANCES = 3


async def _fresh_postgres(url: str, var_dir: Path) -> None:
    """Create the database ``url`` names (empty), migrated and holding the demo."""
    admin = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    name = make_url(url).database
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    settings = Settings(env=Environment.TEST, database_url=url, var_dir=var_dir)
    engine = create_engine(settings)
    await upgrade_database(engine)
    await load_demo_data(engine, settings)
    await engine.dispose()


async def _drop_postgres(url: str) -> None:
    admin = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as connection:
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        )
    await admin.dispose()


@contextmanager
def shared_demo_database(demo_file: Path, var_dir: Path) -> Iterator[str]:
    """The database URL the instances share ("" for the SQLite file of ``var_dir``)."""
    if not TEST_DATABASE_URL:
        copy_database(demo_file, var_dir)
        yield ""
        return
    url = make_url(TEST_DATABASE_URL)
    shared = url.set(database=f"{url.database}_instances").render_as_string(hide_password=False)
    asyncio.run(_fresh_postgres(shared, var_dir))
    try:
        yield shared
    finally:
        asyncio.run(_drop_postgres(shared))


def instance_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """What every instance and worker of the tests is started with."""
    return {
        **os.environ,
        "XIANGXING_ENV": "development",
        "XIANGXING_DATABASE_URL": database_url,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_SEARCH_URL": "",
        "XIANGXING_JOBS_IN_APP": "false",
        "XIANGXING_SEARCH_INDEXER": "true",
    }


def run_workers(environment: dict[str, str], count: int) -> list[str]:
    """What ``count`` workers started together print (``xiangxing worker --once``)."""
    workers = [
        subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
            [str(BIN / "xiangxing"), "worker", "--once"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    return [worker.communicate(timeout=START_SECONDS)[0] for worker in workers]


@contextmanager
def _instance(environment: dict[str, str], port: int, log: Path) -> Iterator[str]:
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
            [str(BIN / "xiangxing"), "serve", "--port", str(port), "--workers", "1"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _wait_until_up(base: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"an instance did not start: {log.read_text()}")


@contextmanager
def three_instances(environment: dict[str, str], var_dir: Path) -> Iterator[list[str]]:
    """The base URLs of three instances started together (they take turns migrating), each
    running the search indexer; jobs are left to workers (`run_workers`), so that a test
    chooses when they run."""
    with ExitStack() as stack:
        bases = [
            stack.enter_context(_instance(environment, port, var_dir / f"instance-{number}.log"))
            for number, port in enumerate(free_ports(INSTANCES), start=1)
        ]
        for number, base in enumerate(bases, start=1):
            _wait_until_up(base, var_dir / f"instance-{number}.log")
        yield bases
