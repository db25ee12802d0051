"""Signing-event plans end to end through the HTTP API, at the size of a city (3,000 published
needs, 2,000 offers, its 11 counties) and of a province (70,000 needs, 30,000 offers, 129
synthetic counties), on PostgreSQL.

For each scale the catalogue comes from ``generate_catalogue`` (about 85% of what it makes is
published) and the words of its entries are stored as ``xiangxing matching store-terms``
stores them (bulk inserts bypass the events that store them on every write), then a real ``xiangxing serve`` (one worker, jobs in the app) is asked by a
reviewer over loopback: create an event for every county, ``POST …/plan`` (answered 202 at
once), then poll the run's URL every 0.1 s until it is done; then the same again with a second
event, whose planning process was started ahead when the first plan ended. Meanwhile a thread asks
``/health`` of the same worker every 0.1 s: its answers (median, slowest) show whether the
plan held up other requests. The table gives the time from the POST to the poll that saw the
run done, the plan's own time in its process (start-up aside) and its parts as the run reports
them, and the peak resident memory (VmHWM) of the server's processes, sampled while the plan
runs: the largest of the server's own, and the planning process's (``xiangxing matching
run-plan``).

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/bench_db [XIANGXING_BENCH_PLATFORM_PORT=…] \\
        uv run python benchmarks/plan_at_scale.py [--scale city|province]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
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


PORT = int(os.environ.get("XIANGXING_BENCH_PLATFORM_PORT") or _free_port())
"""The port ``XIANGXING_BENCH_PLATFORM_PORT`` names, or a free one: other benchmarks may be
serving on theirs."""
list_api.PLATFORM_PORT = PORT
BASE = f"http://127.0.0.1:{PORT}"
POLL = 0.1
"""Seconds between polls of the run (a page polls every second): fine enough to see a city's
plan end."""
READING_TIME = 5.0
"""Seconds between the first plan's end and the second's request, as a reviewer reads the
first: the process started ahead has done its imports by then."""
HEALTH_EVERY = 0.1
"""Seconds between two ``/health`` requests while the plan runs."""
PLANNING = b"run-plan"
"""In the command line of a planning process."""


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


def peak_memory_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def is_planning(pid: int) -> bool:
    try:
        return PLANNING in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False


@dataclass
class Watch:
    """Asks ``/health`` every `HEALTH_EVERY` until stopped, and samples the peak memory of the
    server's processes (a planning process lives only while its plan runs)."""

    root: int
    health: list[float] = field(default_factory=list)
    server_kib: int = 0
    planning_kib: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        for pid in _tree(self.root):
            if is_planning(pid):
                self.planning_kib = max(self.planning_kib, peak_memory_kib(pid))
            else:
                self.server_kib = max(self.server_kib, peak_memory_kib(pid))

    def run(self) -> None:
        with httpx.Client(base_url=BASE, timeout=900) as client:
            while not self.stop.is_set():
                asked = time.perf_counter()
                client.get("/health").raise_for_status()
                self.health.append(time.perf_counter() - asked)
                self.sample()
                self.stop.wait(HEALTH_EVERY)


def plan_once(token: str, counties: list[str], watch: Watch) -> dict:
    """A new event over ``counties`` planned once, end to end."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=BASE, headers=headers, timeout=900) as client:
        event = client.post(
            "/api/v1/events/",
            json={"name": "全省签约活动基准", "held_on": "2026-12-20", "county_codes": counties},
        )
        event.raise_for_status()
        watching = threading.Thread(target=watch.run)
        watching.start()
        began = time.perf_counter()
        queued = client.post(f"/api/v1/events/{event.json()['id']}/plan")
        answered = time.perf_counter() - began
        assert queued.status_code == 202, queued.text
        while True:
            run = client.get(queued.headers["location"]).json()
            if run["state"] in ("done", "failed"):
                break
            time.sleep(POLL)
        ended = time.perf_counter()
        watch.stop.set()
        watching.join()
        return {"end_to_end": ended - began, "answered": answered, **run}


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
            for started in ("on request", "ahead"):
                watch = Watch(process.pid)
                found = plan_once(token, counties, watch)
                rows.append(
                    (
                        f"{name}, started {started}",
                        scale,
                        needs,
                        offers,
                        len(counties),
                        found,
                        watch,
                    )
                )
                time.sleep(READING_TIME)
    print(
        "| scale, planning process | published needs / offers / counties | candidate pairs → kept | pairs chosen "
        "| counties covered | end to end s (target) | plan s | solver s | read s | score s "
        "| 202 answered in ms | /health while planning: answers, median ms, slowest ms "
        "| peak server memory GiB | peak planning process GiB |"
    )
    print(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |"
    )
    for name, scale, needs, offers, counties, found, watch in rows:
        result = found["result"]
        if found["state"] != "done":
            print(f"| {name} | failed: {found['error']} |")
            continue
        print(
            f"| {name} | {needs:,} / {offers:,} / {counties} "
            f"| {result['candidates']:,} → {result['kept_candidates']:,} | {result['pairs']:,} "
            f"| {result['covered']} of {result['counties']} "
            f"| {found['end_to_end']:.2f} (< {scale.target_seconds:.0f}) "
            f"| {result['seconds']:.2f} | {result['solver_seconds']:.2f} "
            f"| {result['read_seconds']:.2f} "
            f"| {result['score_seconds']:.2f} | {found['answered'] * 1000:.0f} "
            f"| {len(watch.health)}, {statistics.median(watch.health) * 1000:.0f}, "
            f"{max(watch.health) * 1000:.0f} "
            f"| {watch.server_kib / 2**20:.2f} (< {MEMORY_TARGET_GIB:.0f}) "
            f"| {watch.planning_kib / 2**20:.2f} (< {MEMORY_TARGET_GIB:.0f}) |"
        )


if __name__ == "__main__":
    main()
