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
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_database

BIN = Path(sys.executable).parent
START_SECONDS = 120


def _free_port() -> int:
    """The system's choice of a free port, or the first free one of ``XIANGXING_TEST_PORTS``
    (e.g. ``18600-18699``) where a machine lets tests serve on some ports only."""
    first, _, last = os.environ.get("XIANGXING_TEST_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    pytest.fail(f"no free port in XIANGXING_TEST_PORTS={first}-{last}")


@contextmanager
def served_demo(demo_file: Path, var_dir: Path) -> Iterator[str]:
    """The base URL of the demo served from ``var_dir``; the server stops on leaving."""
    port = _free_port()
    copy_database(demo_file, var_dir)
    environment = {
        **os.environ,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_ENV": "development",
        "XIANGXING_DATABASE_URL": "",
        "XIANGXING_SEARCH_URL": "",
    }
    log = (var_dir / "server.log").open("w")
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
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
