"""How long the signed-in API reads wait on PostgreSQL, in process: wall and CPU per request.

The app is called through its ASGI interface (no server, no network) as a reviewer with a
bearer token, over families of URLs (20 needs' and 20 offers' suggestions and details, each
county's lists of needs and of offers, the proposals' first pages), warmed up so that every
statement has passed the five runs after which PostgreSQL may settle on a generic plan; then
``--rounds`` rounds of each family. Per family, the medians of the rounds: wall time and the
process's CPU time per request. Wall minus CPU is about what the request waited for the
database. Creates the reviewer of ``list_api.py`` when missing, so run it on a copy of a
benchmark database.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/copy uv run python benchmarks/reads_wait.py
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time

import httpx
from alternating import QUIET_APP
from list_api import BENCH_PASSWORD, BENCH_USER
from litestar import Litestar
from sqlalchemy import text
from suggestions_cpu import ENTRIES, PICKED, create_reviewer

from xiangxing.app import create_served_app

WARM_ROUNDS = 7
"""More than the five runs of a prepared statement after which PostgreSQL may plan it
generically."""
COUNTIES = "SELECT DISTINCT county_code FROM need ORDER BY county_code"


async def _families(app: Litestar) -> dict[str, list[str]]:
    engine = next(app.state[key] for key in app.state if str(key).startswith("db_engine"))
    async with engine.connect() as connection:
        needs = list(await connection.scalars(text(PICKED.format(table="need")), {"n": ENTRIES}))
        offers = list(await connection.scalars(text(PICKED.format(table="offer")), {"n": ENTRIES}))
        counties = list(await connection.scalars(text(COUNTIES)))
    return {
        "a need's suggestions": [f"/api/v1/needs/{need}/suggestions" for need in needs],
        "an offer's suggestions": [f"/api/v1/offers/{offer}/suggestions" for offer in offers],
        "a need": [f"/api/v1/needs/{need}" for need in needs],
        "a county's needs": [f"/api/v1/needs?county={county}" for county in counties],
        "a county's needs, page 3": [f"/api/v1/needs?county={c}&page=3" for c in counties],
        "a county's offers": [f"/api/v1/offers?county={county}" for county in counties],
        "proposals": ["/api/v1/proposals", "/api/v1/proposals?page=2"],
    }


async def measure(rounds: int) -> None:
    os.environ.update(QUIET_APP)
    app = create_served_app()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://x") as web:
        token = await web.post(
            "/api/v1/auth/token", json={"username": BENCH_USER, "password": BENCH_PASSWORD}
        )
        web.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        print("| family (requests per round) | wall ms | CPU ms | wall − CPU ms |")
        print("| --- | ---: | ---: | ---: |")
        for name, urls in (await _families(app)).items():
            for _ in range(WARM_ROUNDS):
                for url in urls:
                    (await web.get(url)).raise_for_status()
            walls, cpus = [], []
            for _ in range(rounds):
                wall, cpu = time.perf_counter(), time.process_time()
                for url in urls:
                    (await web.get(url)).raise_for_status()
                walls.append((time.perf_counter() - wall) * 1000 / len(urls))
                cpus.append((time.process_time() - cpu) * 1000 / len(urls))
            wall_ms, cpu_ms = statistics.median(walls), statistics.median(cpus)
            print(
                f"| {name} ({len(urls)}) | {wall_ms:.2f} | {cpu_ms:.2f} | {wall_ms - cpu_ms:.2f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    create_reviewer()
    asyncio.run(measure(arguments.rounds))


if __name__ == "__main__":
    main()
