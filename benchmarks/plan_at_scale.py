"""Signing-event plans end to end through the HTTP API, at the size of a city (3,000 published
needs, 2,000 offers, its 11 counties) and of a province (70,000 needs, 30,000 offers, 129
synthetic counties), on PostgreSQL.

For each scale the catalogue comes from ``generate_catalogue`` (about 85% of what it makes is
published) and the words of its entries are stored as ``xiangxing matching store-terms``
stores them (bulk inserts bypass the events that store them on every write), then a real ``xiangxing serve`` (one worker, jobs in the app) is asked by a
reviewer over loopback: create an event for every county, ``POST …/plan`` (answered 202 at
once), then poll the run's URL every 0.5 s until it is done. Each poll also asks ``/health``:
its slowest answer shows whether the plan held up other requests. The table gives the time
from the POST to the poll that saw the run done, the solver's own time and the plan's parts
as the run reports them, and the worker's peak resident memory (VmHWM of every process of the
server, the largest).

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/bench_db \\
        uv run python benchmarks/plan_at_scale.py [--scale city|province]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import list_api
from generate_catalogue import generate as generate_catalogue
from list_api import reviewer_token, server
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.database import create_engine
from core.settings import get_settings
from demand.models import Need
from matching.terms import store_missing
from supply.models import Offer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()
"""A port of its own: other benchmarks may be serving on theirs."""
list_api.PLATFORM_PORT = PORT
BASE = f"http://127.0.0.1:{PORT}"
POLL = 0.5
"""Seconds between polls (a page polls every second)."""


@dataclass(frozen=True)
class Scale:
    needs: int
    offers: int
    counties: int | None
    """None: the real divisions (Zhaotong's 11 counties)."""
    target_seconds: float


SCALES = {
    "city": Scale(3_530, 2_353, None, 1.0),
    "province": Scale(82_353, 35_294, 129, 20.0),
}
MEMORY_TARGET_GIB = 2.0


async def published() -> tuple[int, int, list[str]]:
    engine = create_engine(get_settings())
    async with engine.connect() as connection:
        needs = await connection.scalar(
            select(func.count()).select_from(Need).where(Need.state == "published")
        )
        offers = await connection.scalar(
            select(func.count()).select_from(Offer).where(Offer.state == "published")
        )
        counties = list(await connection.scalars(select(Need.county_code).distinct()))
    await engine.dispose()
    return needs or 0, offers or 0, sorted(counties)


async def store_terms() -> int:
    engine = create_engine(get_settings())
    async with AsyncSession(engine) as session:
        stored = await store_missing(session)
        await session.commit()
    await engine.dispose()
    return stored


def _tree(root: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, []))
    return found


def peak_memory_gib(root: int) -> float:
    """The largest peak resident memory among the server's processes."""
    peak = 0
    for pid in _tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 2**20


def plan_once(token: str, counties: list[str]) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=BASE, headers=headers, timeout=900) as client:
        event = client.post(
            "/api/v1/events/",
            json={"name": "全省签约活动基准", "held_on": "2026-12-20", "county_codes": counties},
        )
        event.raise_for_status()
        began = time.perf_counter()
        queued = client.post(f"/api/v1/events/{event.json()['id']}/plan")
        answered = time.perf_counter() - began
        assert queued.status_code == 202, queued.text
        slowest_health = 0.0
        while True:
            run = client.get(queued.headers["location"]).json()
            if run["state"] in ("done", "failed"):
                break
            asked = time.perf_counter()
            client.get("/health").raise_for_status()
            slowest_health = max(slowest_health, time.perf_counter() - asked)
            time.sleep(POLL)
        return {
            "end_to_end": time.perf_counter() - began,
            "answered": answered,
            "slowest_health": slowest_health,
            **run,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), action="append")
    parser.add_argument(
        "--reuse", action="store_true", help="plan the catalogue already in the database"
    )
    arguments = parser.parse_args()
    if "postgresql" not in os.environ.get("XIANGXING_DATABASE_URL", ""):
        sys.exit("set XIANGXING_DATABASE_URL to a PostgreSQL database of its own")
    env = {**os.environ, "XIANGXING_ENV": "development"}
    rows = []
    for name in arguments.scale or list(SCALES):
        scale = SCALES[name]
        if not arguments.reuse:
            asyncio.run(
                generate_catalogue(scale.needs, scale.offers, wipe=True, counties=scale.counties)
            )
        began = time.perf_counter()
        stored = asyncio.run(store_terms())
        print(f"stored the words of {stored} entries in {time.perf_counter() - began:.1f} s")
        needs, offers, counties = asyncio.run(published())
        serve = [sys.executable, "-m", "xiangxing.cli", "serve", "--port", str(PORT)]
        with server(serve, PORT, env) as process:
            token = reviewer_token(env)
            found = plan_once(token, counties)
            memory = peak_memory_gib(process.pid)
        rows.append((name, scale, needs, offers, len(counties), found, memory))
    print(
        "| scale | published needs / offers / counties | candidate pairs → kept | pairs chosen "
        "| counties covered | end to end s (target) | solver s | read s | score s "
        "| 202 answered in ms | slowest /health while planning ms | peak worker memory GiB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, scale, needs, offers, counties, found, memory in rows:
        result = found["result"]
        if found["state"] != "done":
            print(f"| {name} | failed: {found['error']} |")
            continue
        print(
            f"| {name} | {needs:,} / {offers:,} / {counties} "
            f"| {result['candidates']:,} → {result['kept_candidates']:,} | {result['pairs']:,} "
            f"| {result['covered']} of {result['counties']} "
            f"| {found['end_to_end']:.2f} (< {scale.target_seconds:.0f}) "
            f"| {result['solver_seconds']:.2f} | {result['read_seconds']:.2f} "
            f"| {result['score_seconds']:.2f} | {found['answered'] * 1000:.0f} "
            f"| {found['slowest_health'] * 1000:.0f} "
            f"| {memory:.2f} (< {MEMORY_TARGET_GIB:.0f}) |"
        )


if __name__ == "__main__":
    main()
