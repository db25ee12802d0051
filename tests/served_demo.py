"""``xiangxing demo`` as a real server on a free port, for tests that need one: the API fuzzing
and the browser's layout checks. It serves a copy of the run's demo database (it finds the demo
loaded), with the demo accounts and their password."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_database

BIN = Path(sys.executable).parent
START_SECONDS = 180


def _free_ports(count: int) -> list[int]:
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


def _serve(demo_file: Path, var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    copy_database(demo_file, var_dir)
    environment = {
        **os.environ,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_ENV": "development",
        "XIANGXING_DATABASE_URL": "",
        "XIANGXING_SEARCH_URL": "",
    }
    with (var_dir / "server.log").open("w") as log:
        return subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
            [str(BIN / "xiangxing"), "demo", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_until_healthy(base: str, var_dir: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    pytest.fail(f"the demo server did not start: {(var_dir / 'server.log').read_text()}")


@contextmanager
def served_demos(demo_file: Path, var_dirs: list[Path]) -> Iterator[list[str]]:
    """The base URLs of demos served from each of ``var_dirs``, started side by side (each
    start migrates and loads, which takes seconds); the servers stop on leaving."""
    ports = _free_ports(len(var_dirs))
    servers = [
        _serve(demo_file, var_dir, port) for var_dir, port in zip(var_dirs, ports, strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + START_SECONDS
        for base, var_dir in zip(bases, var_dirs, strict=True):
            _wait_until_healthy(base, var_dir, deadline)
        yield bases
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)


@contextmanager
def served_demo(demo_file: Path, var_dir: Path) -> Iterator[str]:
    """The base URL of the demo served from ``var_dir``; the server stops on leaving."""
    with served_demos(demo_file, [var_dir]) as (base,):
        yield base
