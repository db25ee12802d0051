"""CPU per suggestions request, in process, as a reviewer: the app called through its ASGI
interface (no server, no network), `time.process_time()` over rounds of requests to the
suggestions of 20 published needs and 20 published offers, and the statements they sent.

Creates the reviewer of ``list_api.py`` when missing, so run it on a copy of a benchmark
database. The clock is fixed, so two versions of the code can be compared answer for answer
(the digest of the answers) as well as by their cost.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/copy uv run python benchmarks/suggestions_cpu.py
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from list_api import BENCH_PASSWORD, BENCH_USER, ROOT
from sqlalchemy import event, text

from xiangxing.app import create_app

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
ENTRIES = 20
PICKED = "SELECT id FROM {table} WHERE state = 'published' ORDER BY md5(id::text) LIMIT :n"


def create_reviewer() -> None:
    subprocess.run(
        [
            *(sys.executable, "-m", "xiangxing.cli", "user", "create"),
            *("--username", BENCH_USER, "--role", "reviewer", "--password-stdin"),
        ],
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "XIANGXING_ENV": "development"},
        check=False,
    )


async def measure(rounds: int, requests: int) -> dict[str, Any]:
    app = create_app(clock=lambda: NOW)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sent = [0]
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://x") as web:
        engine = next(app.state[key] for key in app.state if str(key).startswith("db_engine"))
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *_: sent.append(1))
        token = await web.post(
            "/api/v1/auth/token", json={"username": BENCH_USER, "password": BENCH_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        urls = {}
        async with engine.connect() as connection:
            for kind, table in (("needs", "need"), ("offers", "offer")):
                ids = await connection.scalars(text(PICKED.format(table=table)), {"n": ENTRIES})
                urls[kind] = [f"/api/v1/{kind}/{entry}/suggestions" for entry in ids]
        found: dict[str, Any] = {}
        for kind, asked in urls.items():
            digest = hashlib.sha256()
            for url in asked:
                answer = await web.get(url, headers=headers)
                answer.raise_for_status()
                digest.update(answer.content)
            cpu = []
            sent.clear()
            for _ in range(rounds):
                started = time.process_time()
                for number in range(requests):
                    await web.get(asked[number % len(asked)], headers=headers)
                cpu.append((time.process_time() - started) * 1000 / requests)
            found[kind] = {
                "cpu_ms": round(statistics.median(cpu), 2),
                "rounds": [round(ms, 2) for ms in cpu],
                "statements": round(len(sent) / (rounds * requests), 2),
                "answers": digest.hexdigest()[:16],
            }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    create_reviewer()
    print(json.dumps(asyncio.run(measure(arguments.rounds, arguments.requests))))


if __name__ == "__main__":
    main()
