"""The platform's pages and reads against the bare stack's ceiling, in one run on one database.

Starts the yardstick (``yardstick_app.py``: Litestar, SQLAlchemy Core over asyncpg, Jinja2 and
nothing of the platform) and the platform (``xiangxing serve``), each under Granian with the
same number of workers, on the database ``XIANGXING_DATABASE_URL`` names (filled beforehand by
``generate_catalogue.py``), then loads each URL with ``wrk`` (16 connections, 10 s by default)
and prints requests per second, p50 and p99, and the ratio of each throughput to the bare
page's. Signed-in cases carry a reviewer's bearer token (API) or session cookie (pages): their
answers are never remembered. Last, the resident memory of each platform worker. The ports are chosen by
``XIANGXING_BENCH_PLATFORM_PORT`` (8799) and ``XIANGXING_BENCH_YARDSTICK_PORT`` (8797).

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/bench uv run python benchmarks/ceiling.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
from list_api import PLATFORM_PORT, ROOT, reviewer_token, server
from stats_api import signed_in_browser

YARDSTICK_PORT = int(os.environ.get("XIANGXING_BENCH_YARDSTICK_PORT", "8797"))
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
FAILED = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def load(url: str, seconds: int, connections: int, header: str | None) -> dict[str, float]:
    """Requests per second, p50 and p99 in ms, and the answers that were not 2xx/3xx."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = {f"p{p}": float(value) * UNITS[unit] for p, value, unit in LATENCY.findall(output)}
    found["rps"] = float(RATE.search(output).group(1))  # type: ignore[union-attr]
    failed = FAILED.search(output)
    found["failed"] = float(failed.group(1)) if failed else 0.0
    return found


def worker_memory(parent: int) -> list[float]:
    """Resident MB of each process whose parent is ``parent`` (Granian's workers)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == parent:
            found.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--query", default="苹果", help="the search words")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="load only the cases whose name contains this (repeatable); the bare page always",
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")
    if not os.environ.get("XIANGXING_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("needs XIANGXING_DATABASE_URL naming a PostgreSQL database with a catalogue")
    env = {**os.environ, "XIANGXING_ENV": "development"}
    workers = str(arguments.workers)
    yardstick = [
        *(sys.executable, "-m", "granian", "--interface", "asgi", "--workers", workers),
        *("--port", str(YARDSTICK_PORT), "--working-dir", str(ROOT / "benchmarks")),
        "yardstick_app:app",
    ]
    platform = [sys.executable, "-m", "xiangxing.cli", "serve", "--port", str(PLATFORM_PORT)]
    bare = f"http://127.0.0.1:{YARDSTICK_PORT}"
    base = f"http://127.0.0.1:{PLATFORM_PORT}"
    with (
        server(yardstick, YARDSTICK_PORT, env),
        server([*platform, "--workers", workers], PLATFORM_PORT, env) as served,
    ):
        token = reviewer_token(env)
        bearer = f"Authorization: Bearer {token}"
        browser = signed_in_browser(base)
        cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        listed = httpx.get(
            f"{base}/api/v1/needs?page_size=1", headers={"Authorization": f"Bearer {token}"}
        ).json()["items"][0]
        county, need = listed["county_code"], listed["id"]
        offer = httpx.get(
            f"{base}/api/v1/offers?county={county}&page_size=1",
            headers={"Authorization": f"Bearer {token}"},
        ).json()["items"][0]["id"]
        words = quote(arguments.query)
        cases = [
            ("bare: fortunes page", f"{bare}/fortunes", None),
            ("bare: filtered list of 20", f"{bare}/needs?county={county}", None),
            ("/catalogue public page", f"{base}/catalogue", None),
            ("/catalogue?county=… signed in", f"{base}/catalogue?county={county}", cookie),
            ("/api/v1/needs?county=… public", f"{base}/api/v1/needs?county={county}", None),
            ("/api/v1/needs?county=… reviewer", f"{base}/api/v1/needs?county={county}", bearer),
            ("/api/v1/needs/{id} reviewer", f"{base}/api/v1/needs/{need}", bearer),
            ("/api/v1/offers?county=… reviewer", f"{base}/api/v1/offers?county={county}", bearer),
            (f"/search?q={arguments.query} page", f"{base}/search?q={words}", None),
            (f"/search?q={arguments.query} signed in", f"{base}/search?q={words}", cookie),
            (
                "/api/v1/needs/{id}/suggestions reviewer",
                f"{base}/api/v1/needs/{need}/suggestions",
                bearer,
            ),
            (
                "/api/v1/offers/{id}/suggestions reviewer",
                f"{base}/api/v1/offers/{offer}/suggestions",
                bearer,
            ),
            ("/api/v1/proposals reviewer", f"{base}/api/v1/proposals", bearer),
        ]
        if arguments.only:
            cases = [
                case
                for number, case in enumerate(cases)
                if number == 0 or any(part in case[0] for part in arguments.only)
            ]
        rows = []
        for name, url, header in cases:
            load(url, 2, arguments.connections, header)  # warm up
            rows.append((name, load(url, arguments.seconds, arguments.connections, header)))
        memory = worker_memory(served.pid)
        browser.close()
    ceiling = rows[0][1]["rps"]
    print(
        f"| endpoint ({arguments.connections} connections, {arguments.seconds} s, "
        f"{arguments.workers} workers) | req/s | p50 ms | p99 ms | failed | ÷ bare page |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, m in rows:
        print(
            f"| {name} | {m['rps']:,.0f} | {m['p50']:.0f} | {m['p99']:.0f} | "
            f"{m['failed']:.0f} | {m['rps'] / ceiling:.2f} |"
        )
    print(
        "platform workers' resident memory after the run (MB): "
        + ", ".join(f"{mb:.0f}" for mb in memory)
    )


if __name__ == "__main__":
    main()
