"""CPU per request of the API's list of proposals, in process, as a reviewer, older code
against newer.

Two worker processes, one per version of the code (``--before DIR``: an export made with
``git archive REV platform templates static locale | tar -x -C DIR``), answer alternate rounds
on the same database through the app's ASGI interface (no server, no network); a round reports
the CPU per request (``time.process_time()``), the statements per request and a digest of the
answers' bytes, which must be equal for both versions (the clock is fixed). Medians of the
rounds are printed side by side. Reads only: the reviewer of ``list_api.py`` must exist.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/bench XIANGXING_VAR_DIR=… \\
        uv run python benchmarks/proposals_cpu.py --rounds 8 --requests 150 --before ../older
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from alternating import alternate, start, versions
from list_api import BENCH_PASSWORD, BENCH_USER
from sqlalchemy import event

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
CASES = ("/api/v1/proposals", "/api/v1/proposals?state=proposed&page=3")


async def worker() -> None:
    """Answer ``round N`` on standard input with a JSON line of each case's figures."""
    from xiangxing.app import create_app

    app = create_app(clock=lambda: NOW)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sent = [0]
    transport = httpx.ASGITransport(app=app)
    headers = {"accept-encoding": "identity"}
    async with (
        app.lifespan(),
        httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as web,
    ):
        engine = next(app.state[key] for key in app.state if str(key).startswith("db_engine"))
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *_: sent.append(1))
        signed_in = await web.post(
            "/api/v1/auth/token", json={"username": BENCH_USER, "password": BENCH_PASSWORD}
        )
        signed_in.raise_for_status()
        web.headers["authorization"] = f"Bearer {signed_in.json()['access_token']}"
        for url in CASES:
            for _ in range(5):
                (await web.get(url)).raise_for_status()
        print("ready", flush=True)
        for line in sys.stdin:
            if not line.startswith("round"):
                break
            count = int(line.split()[1])
            figures: dict[str, dict[str, Any]] = {}
            for url in CASES:
                digest = hashlib.sha256()
                sent.clear()
                started = time.process_time()
                for _ in range(count):
                    answer = await web.get(url)
                    answer.raise_for_status()
                    digest.update(answer.content)
                cpu = time.process_time() - started
                figures[url] = {
                    "cpu_ms": cpu * 1000 / count,
                    "statements": len(sent) / count,
                    "digest": digest.hexdigest()[:16],
                }
            print(json.dumps(figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=150, help="per case and round")
    parser.add_argument("--before", type=Path, help="an export of the code to compare with")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        asyncio.run(worker())
        return
    started = {name: start(__file__, code) for name, code in versions(arguments.before).items()}
    rounds = alternate(started, arguments.rounds, arguments.requests)
    for url in CASES:
        print(url)
        for name, answers in rounds.items():
            cpu = [answer[url]["cpu_ms"] for answer in answers]
            statements = statistics.median(answer[url]["statements"] for answer in answers)
            digests = sorted({answer[url]["digest"] for answer in answers})
            print(
                f"  {name:7} {statistics.median(cpu):7.2f} ms CPU per request "
                f"(rounds {min(cpu):.2f}–{max(cpu):.2f}), {statements:.1f} statements, "
                f"answers {', '.join(digests)}"
            )


if __name__ == "__main__":
    main()
