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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_database

BIN = Path(sys.executable).parent
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A server started by `serving`: where it answers, and its process group."""

    base: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, mid-request, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def served_demo(demo_file: Path, var_dir: Path) -> Iterator[str]:
    """The base URL of the demo served from ``var_dir``; the server stops on leaving."""
    copy_database(demo_file, var_dir)
    with serving(var_dir) as served:
        yield served.base


@contextmanager
def serving(var_dir: Path) -> Iterator[Served]:
    """``xiangxing demo`` on the database already in ``var_dir``, until leaving (or a kill)."""
    port = _free_port()
    environment = {
        **os.environ,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_ENV": "development",
        "XIANGXING_DATABASE_URL": "",
        "XIANGXING_SEARCH_URL": "",
    }
    log = (var_dir / "server.log").open("a")
    server = subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
        [str(BIN / "xiangxing"), "demo", "--port", str(port)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the demo server did not start: {(var_dir / 'server.log').read_text()}")
        yield Served(base, server)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()
