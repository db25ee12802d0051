"""The search API with 100,000 documents in the embedded engine: latency under 16 concurrent
clients, the app's memory, and how soon a published need becomes searchable.

A fresh ``var/`` gets a migrated SQLite database with the demo (accounts, catalogue) and an
embedded index of the demo plus synthetic documents (``search_embedded.build_documents``),
then the app runs under Granian with its in-app indexer. ``hey`` sends each query URL from a
second process; the table reports the median of the rounds' percentiles. Commit → searchable
is timed from the answer to a reviewer's approval to the first search that finds the need,
polling every 50 ms, over a series of publications.

    uv run python benchmarks/search_service.py [--documents 100000] [--publications 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from list_api import measure, server  # noqa: E402
from search_embedded import BATCH, build_documents, percentile  # noqa: E402
from search_shapes import QUERIES  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402

from core.database import create_engine  # noqa: E402
from core.settings import Environment, Settings  # noqa: E402
from search.embedded import EmbeddedSearch  # noqa: E402
from search.indexer import reindex  # noqa: E402
from xiangxing.demo import DEMO_PASSWORD, load_demo_data  # noqa: E402
from xiangxing.setup import upgrade_database  # noqa: E402

PORT = 8797
BASE = f"http://127.0.0.1:{PORT}"
POLL_SECONDS = 0.05
DEMO_STATION_TOWNSHIP = "530627106000"
"""以勒镇, where the demo's station_worker account works."""


async def prepare(var_dir: Path, documents: int) -> None:
    """Database with the demo; index with the demo's entries plus synthetic documents."""
    settings = Settings(env=Environment.DEVELOPMENT, var_dir=var_dir)
    engine = create_engine(settings)
    search = EmbeddedSearch(settings.search_dir)
    try:
        await upgrade_database(engine)
        await load_demo_data(engine, settings)
        await reindex(async_sessionmaker(engine, expire_on_commit=False), search)
        synthetic = build_documents(documents, random.Random(20250601))
        for first in range(0, len(synthetic), BATCH):
            await search.upsert(synthetic[first : first + BATCH])
    finally:
        await search.close()
        await engine.dispose()


def call(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def token_of(username: str) -> str:
    answer = call("POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
    return answer["access_token"]


def rss_mib(pid: int) -> float:
    """Resident memory of the server and its worker processes."""
    output = subprocess.run(
        ["ps", "-o", "rss=", "--pid", str(pid), "--ppid", str(pid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(int(line) for line in output.split()) / 1024


def commit_to_searchable(publications: int) -> list[float]:
    worker, reviewer = token_of("station_worker"), token_of("reviewer")
    township = DEMO_STATION_TOWNSHIP
    deadline = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    delays = []
    for number in range(publications):
        marker = f"bench{number}x{random.randrange(10**6)}"
        need = call(
            "POST",
            "/api/v1/needs",
            {
                "category": "public_services",
                "subcategory": "elderly_care",
                "title": f"基准测试需求 {marker}",
                "description": "测量从审核通过到可被搜索的时间。",
                "region_code": township,
                "lines": [{"kind": "funds", "amount": "1000.00"}],
                "urgency": "green",
                "deadline": deadline,
            },
            worker,
        )
        call("POST", f"/api/v1/needs/{need['id']}/submit", {}, worker)
        call("POST", f"/api/v1/needs/{need['id']}/approve", {}, reviewer)
        approved = time.perf_counter()
        query = urllib.parse.urlencode({"q": marker})
        while call("GET", f"/api/v1/search?{query}")["total"] == 0:
            time.sleep(POLL_SECONDS)
        delays.append(time.perf_counter() - approved)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--publications", type=int, default=40)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--memory-seconds",
        default="2",
        help="XIANGXING_SEARCH_MEMORY_SECONDS of the app (0: every request asks the engine)",
    )
    arguments = parser.parse_args()
    if shutil.which("hey") is None:
        sys.exit("needs hey: apt-get install hey")
    with tempfile.TemporaryDirectory() as directory:
        var_dir = Path(directory)
        began = time.perf_counter()
        asyncio.run(prepare(var_dir, arguments.documents))
        print(f"prepared {arguments.documents:,} documents in {time.perf_counter() - began:.0f} s")
        env = {
            **os.environ,
            "XIANGXING_ENV": "development",
            "XIANGXING_VAR_DIR": str(var_dir),
            "XIANGXING_DATABASE_URL": "",
            "XIANGXING_SEARCH_MEMORY_SECONDS": arguments.memory_seconds,
        }
        command = [sys.executable, "-m", "xiangxing.cli", "serve", "--port", str(PORT)]
        command += ["--workers", str(arguments.workers)]
        with server(command, PORT, env) as process:
            urls = {
                name: f"{BASE}/api/v1/search?{urllib.parse.urlencode(params)}"
                for name, params in QUERIES.items()
            }
            for url in urls.values():
                measure(url, 200, 16)
            rows = []
            for name, url in urls.items():
                rounds = [measure(url, arguments.requests, 16) for _ in range(arguments.rounds)]
                rows.append((name, {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}))
            memory = rss_mib(process.pid)
            print(
                f"| query (16 clients, {arguments.workers} workers, answers remembered "
                f"{arguments.memory_seconds} s) | p50 ms | p95 ms | p99 ms | req/s |"
            )
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, m in rows:
                print(
                    f"| {name} | {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} | {m['rps']:.0f} |"
                )
            print(f"| app memory after the query load | {memory:.0f} MiB |", flush=True)
            delays = commit_to_searchable(arguments.publications)
            memory_after = rss_mib(process.pid)
    print(f"| app memory after the publications | {memory_after:.0f} MiB |")
    print(
        f"| commit → searchable ({len(delays)} publications) | median "
        f"{statistics.median(delays) * 1000:.0f} ms, p95 {percentile(delays, 0.95) * 1000:.0f} ms,"
        f" max {max(delays) * 1000:.0f} ms |"
    )


if __name__ == "__main__":
    main()
