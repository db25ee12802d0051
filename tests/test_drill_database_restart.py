"""Fault drill: the database goes away under a served app and comes back. While it is down a
page answers 503 with a page that says so, the API 503 with its error envelope and the health
check 503; once it is back the same app answers again, without being restarted. The database is
a PostgreSQL cluster of the test's own (``tests.scratch_cluster``), never the shared server.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.scratch_cluster import PG_BIN, Cluster, free_port

pytestmark = [
    pytest.mark.skipif(
        bool(os.environ.get("XIANGXING_TEST_DATABASE_URL")),
        reason="the drill starts a PostgreSQL of its own: once, in the SQLite pass",
    ),
    pytest.mark.skipif(not PG_BIN.is_dir(), reason=f"no PostgreSQL tools at {PG_BIN}"),
]

BIN = Path(sys.executable).parent
WAIT_SECONDS = 120


def answered(base: str, path: str, status: int) -> httpx.Response:
    """The first answer to ``path`` with that status, within the wait."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            answer = httpx.get(f"{base}{path}", timeout=30)
            if answer.status_code == status or time.monotonic() > deadline:
                return answer
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """In a folder of the temporary directory itself: the ``postgres`` user it runs as cannot
    enter pytest's own, which only root may."""
    made = Cluster(Path(tempfile.mkdtemp(prefix="xiangxing-drill-")))
    try:
        made.start()
        yield made
    finally:
        made.stop()
        shutil.rmtree(made.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def served(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on the cluster, with its regions and categories, and nothing running in
    the background that would touch the database on its own."""
    var_dir = tmp_path_factory.mktemp("drill-var")
    environment = {
        **os.environ,
        "XIANGXING_DATABASE_URL": cluster.url,
        "XIANGXING_VAR_DIR": str(var_dir),
        "XIANGXING_SECRET_KEY": secrets.token_urlsafe(32),
        "XIANGXING_SEARCH_URL": "",
        "XIANGXING_SEARCH_INDEXER": "false",
        "XIANGXING_JOBS_IN_APP": "false",
    }
    subprocess.run(  # noqa: S603 - our own CLI, from this environment
        [str(BIN / "xiangxing"), "db", "upgrade"], env=environment, check=True
    )
    port = free_port()
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own CLI, from this environment
        [str(BIN / "xiangxing"), "serve", "--port", str(port)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert answered(base, "/health", 200).status_code == 200, (
            var_dir / "server.log"
        ).read_text()
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_while_the_database_is_down_requests_answer_503_and_then_recover(
    served: str, cluster: Cluster
) -> None:
    assert answered(served, "/catalogue", 200).status_code == 200
    assert answered(served, "/api/v1/needs", 200).status_code == 200

    cluster.stop("fast")
    page = answered(served, "/catalogue", 503)
    assert page.status_code == 503, page.text[:500]
    assert page.headers["content-type"].startswith("text/html")
    assert "暂时连不上数据库" in page.text
    assert "Retry-After" in page.headers
    api = answered(served, "/api/v1/needs", 503)
    assert api.status_code == 503, api.text[:500]
    assert api.json()["code"] == "service_unavailable"
    assert answered(served, "/health", 503).status_code == 503

    cluster.resume()
    assert answered(served, "/catalogue", 200).status_code == 200, "the app recovers by itself"
    assert answered(served, "/api/v1/needs", 200).json()["total"] >= 0
    assert answered(served, "/health", 200).status_code == 200
