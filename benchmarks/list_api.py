"""The filtered list API under 16 concurrent clients, beside a bare Litestar endpoint.

Anonymous requests ask the public catalogue (answers the app may remember for 5 s); the
signed-in cases carry a reviewer's bearer token, whose answers are never remembered, so they
show the full cost of a list. ``XIANGXING_BENCH_PLATFORM_PORT`` and
``XIANGXING_BENCH_PLAIN_PORT`` choose the ports (8799, 8798) when those are taken. Both apps run under Granian with the same number of workers on this machine; ``hey`` (Debian's
package) sends the load from a second process over loopback. Each URL is measured in several
rounds; the table reports the median of the rounds' p50/p95/p99 and requests per second.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://… uv run python benchmarks/list_api.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_PORT = int(os.environ.get("XIANGXING_BENCH_PLATFORM_PORT", "8799"))
PLAIN_PORT = int(os.environ.get("XIANGXING_BENCH_PLAIN_PORT", "8798"))
"""Ports of the servers started here; choose free ones when another run holds these."""
STARTUP_SECONDS = 180
"""How long a server may take to answer its first request on a busy machine."""
CASES = {
    "bare Litestar JSON (yardstick)": f"http://127.0.0.1:{PLAIN_PORT}/plain",
    "needs, first page": f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?page_size=20",
    "needs, county + urgency": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?county=530627000000&urgency=red"
    ),
    "needs, category + page 50": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?category=special_groups&page=50"
    ),
    "needs, most urgent first": f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?sort=urgency",
    "needs, largest amount + page 50": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?sort=amount&page=50"
    ),
    "needs, soonest deadline + county": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?sort=deadline&county=530627000000"
    ),
    "offers, largest amount": f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/offers?sort=amount",
    "offers, category + township": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/offers?category=industry&township=530627106000"
    ),
}
SIGNED_IN_CASES = {
    "signed-in reviewer: needs, first page (never remembered)": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?page_size=20"
    ),
    "signed-in reviewer: needs, county + urgency": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?county=530627000000&urgency=red"
    ),
    "signed-in reviewer: needs, most urgent first": (
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/needs?sort=urgency"
    ),
}
BENCH_USER = "bench_reviewer"
BENCH_PASSWORD = "Bench-reviewer-pass-2026"  # noqa: S105 - a benchmark account
PERCENTILE = re.compile(r"(\d+)% in ([\d.]+) secs")
RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


@contextmanager
def server(args: list[str], port: int, env: dict[str, str], log: Path | None = None):  # type: ignore[no-untyped-def]
    """The server ``args`` start, once it answers on ``port``; its output goes to ``log``."""
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(STARTUP_SECONDS * 5):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)
        if log:
            output.close()  # type: ignore[union-attr]


def make_reviewer(env: dict[str, str]) -> None:
    """The benchmark's reviewer in the database ``env`` names (created on first use)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "xiangxing.cli",
            "user",
            "create",
            "--username",
            BENCH_USER,
            "--role",
            "reviewer",
            "--password-stdin",
        ],
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def reviewer_token(env: dict[str, str]) -> str:
    """A bearer token of a reviewer in the benchmark database (created on first use)."""
    make_reviewer(env)
    request = urllib.request.Request(
        f"http://127.0.0.1:{PLATFORM_PORT}/api/v1/auth/token",
        data=json.dumps({"username": BENCH_USER, "password": BENCH_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["access_token"]


def measure(
    url: str, requests: int, concurrency: int, token: str | None = None
) -> dict[str, float]:
    header = ["-H", f"Authorization: Bearer {token}"] if token else []
    output = subprocess.run(
        ["hey", "-n", str(requests), "-c", str(concurrency), *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {f"p{p}": float(s) * 1000 for p, s in PERCENTILE.findall(output)}
    found["rps"] = float(RATE.search(output).group(1))  # type: ignore[union-attr]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    if shutil.which("hey") is None:
        sys.exit("needs hey: apt-get install hey")
    env = {**os.environ, "XIANGXING_ENV": "development"}
    granian = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--workers",
        str(arguments.workers),
    ]
    platform_server = [
        sys.executable,
        "-m",
        "xiangxing.cli",
        "serve",
        "--port",
        str(PLATFORM_PORT),
        "--workers",
        str(arguments.workers),
    ]
    plain_server = [
        *granian,
        "--port",
        str(PLAIN_PORT),
        "--working-dir",
        str(ROOT / "benchmarks"),
        "plain_app:app",
    ]
    with server(platform_server, PLATFORM_PORT, env), server(plain_server, PLAIN_PORT, env):
        for url in CASES.values():
            measure(url, 300, arguments.concurrency)  # warm up
        token = reviewer_token(env)
        cases = [(name, url, None) for name, url in CASES.items()]
        cases += [(name, url, token) for name, url in SIGNED_IN_CASES.items()]
        rows = []
        for name, url, bearer in cases:
            rounds = [
                measure(url, arguments.requests, arguments.concurrency, bearer)
                for _ in range(arguments.rounds)
            ]
            median = {
                key: statistics.median(r[key] for r in rounds)
                for key in ("p50", "p95", "p99", "rps")
            }
            rows.append((name, median))
    yardstick = rows[0][1]["p95"]
    print(
        f"| case ({arguments.concurrency} clients, {arguments.workers} workers) | p50 ms | p95 ms | p99 ms | req/s | p95 / bare |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, m in rows:
        print(
            f"| {name} | {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} | {m['rps']:.0f} | {m['p95'] / yardstick:.1f}× |"
        )


if __name__ == "__main__":
    main()
