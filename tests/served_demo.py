"""``xiangxing demo`` as a real server on a free port, for tests that need one: the API fuzzing,
the browser's walks and the fault drills. It serves a copy of the run's demo database (it finds
the demo loaded), with the demo accounts and their password."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_database

BIN = Path(sys.executable).parent
START_SECONDS = 180


def free_ports(count: int) -> list[int]:
    """``count`` free ports: the system's choice, or the first free ones of
    ``XIANGXING_TEST_PORTS`` (e.g. ``18600-18699``) where a machine lets tests serve on some
    ports only. The probes stay bound until all are found, so no port is chosen twice."""
    first, _, last = os.environ.get("XIANGXING_TEST_PORTS", "0-0").partition("-")
    candidates = range(int(first), int(last) + 1) if int(first) else [0] * count
    ports: list[int] = []
    with ExitStack() as probes:
        for candidate in candidates:
            probe = probes.enter_context(socket.socket())
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            ports.append(int(probe.getsockname()[1]))
            if len(ports) == count:
                return ports
    pytest.fail(f"fewer than {count} free ports in XIANGXING_TEST_PORTS={first}-{last}")


@dataclass
class Served:
    """A server started by `serving`: where it answers, and its process group."""

    base: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, mid-request, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _start(var_dir: Path, port: int) -> Served:
    environment = {
        **os.environ,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_ENV": "development",
        "XIANGXING_DATABASE_URL": "",
        "XIANGXING_SEARCH_URL": "",
    }
    with (var_dir / "server.log").open("a") as log:
        process = subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
            [str(BIN / "xiangxing"), "demo", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Served(f"http://127.0.0.1:{port}", process)


def _wait_until_healthy(base: str, var_dir: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    pytest.fail(f"the demo server did not start: {(var_dir / 'server.log').read_text()}")


@contextmanager
def serving_each(var_dirs: list[Path]) -> Iterator[list[Served]]:
    """``xiangxing demo`` on the database already in each of ``var_dirs``, started side by
    side (each start migrates and loads, which takes seconds), until leaving (or a kill)."""
    ports = free_ports(len(var_dirs))
    servers = [_start(var_dir, port) for var_dir, port in zip(var_dirs, ports, strict=True)]
    try:
        deadline = time.monotonic() + START_SECONDS
        for server, var_dir in zip(servers, var_dirs, strict=True):
            _wait_until_healthy(server.base, var_dir, deadline)
        yield servers
    finally:
        for server in servers:
            server.stop()


@contextmanager
def serving(var_dir: Path) -> Iterator[Served]:
    """``xiangxing demo`` on the database already in ``var_dir``, until leaving (or a kill)."""
    with serving_each([var_dir]) as (served,):
        yield served


@contextmanager
def served_demos(demo_file: Path, var_dirs: list[Path]) -> Iterator[list[str]]:
    """The base URLs of demos served from copies of the demo in each of ``var_dirs``."""
    for var_dir in var_dirs:
        copy_database(demo_file, var_dir)
    with serving_each(var_dirs) as servers:
        yield [server.base for server in servers]


@contextmanager
def served_demo(demo_file: Path, var_dir: Path) -> Iterator[str]:
    """The base URL of the demo served from ``var_dir``; the server stops on leaving."""
    with served_demos(demo_file, [var_dir]) as (base,):
        yield base
