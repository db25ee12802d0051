"""The province's working day under load: three app instances behind nginx on one PostgreSQL
database, loaded by locust with the mix of ``load_mix.py`` at 32 and 128 concurrent users, and
the bare yardstick app (``yardstick_app.py``, as many workers behind the same nginx) loaded the
same way in the same run, so that the ratio shows what the platform itself costs.

Fill the database first with ``province_data.py``. Ports: nginx 18800 (the platform) and 18810
(the yardstick), the instances 18801-18803, the yardstick 18811; ``--base-port`` moves them all.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/province uv run python benchmarks/load_run.py
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from list_api import ROOT, server
from sqlalchemy import func, select

from accounts.models import Organization, Station
from agreements.models import Agreement
from core.database import create_engine
from core.settings import get_settings
from demand.models import Need
from regions.models import Region, RegionLevel
from supply.models import Offer

PASSWORD = "Load-mix-pass-2026"  # noqa: S105 - accounts of the benchmark database
ACCOUNTS = {"station": "load_station", "member": "load_member", "reviewer": "load_reviewer"}
INSTANCES = 3
WORDS = ["留守儿童", "养老", "助学", "农产品", "医疗", "技能培训", "苹果", "托育"]
SIGNED = ("signed", "in_progress")
FAILURE_LINE = re.compile(r"^([\w.]+(Error|Exception|Timeout)\b|.*\b(ERROR|WARNING)\b)")
"""The instances' log lines worth reporting: an exception's last line, errors and warnings."""
NGINX = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    upstream platform {{ {platform} keepalive 64; }}
    upstream yardstick {{ server 127.0.0.1:{yardstick}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{front};
        client_max_body_size 12m;
        location / {{
            proxy_pass http://platform;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Connection "";
        }}
    }}
    server {{
        listen 127.0.0.1:{yardstick_front};
        location / {{
            proxy_pass http://yardstick;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""
"""A local nginx in front of both: round robin over the instances (``least_conn`` would hide
an instance's slowness), keep-alive to the upstreams as in production."""


@contextmanager
def nginx(prefix: Path, base_port: int) -> Iterator[None]:
    platform = " ".join(f"server 127.0.0.1:{base_port + n};" for n in range(1, INSTANCES + 1))
    config = prefix / "nginx.conf"
    config.write_text(
        NGINX.format(
            prefix=prefix,
            platform=platform,
            yardstick=base_port + 11,
            front=base_port,
            yardstick_front=base_port + 10,
        )
    )
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(config), "-g", "daemon off;"])
    time.sleep(1)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def create_accounts(env: dict[str, str], township: str, organization: str) -> None:
    """The three signed-in roles (an account already there is kept)."""
    for role, username, where in (
        ("station_worker", ACCOUNTS["station"], ["--station", township]),
        ("member", ACCOUNTS["member"], ["--organization", organization]),
        ("reviewer", ACCOUNTS["reviewer"], []),
    ):
        subprocess.run(
            [
                *(sys.executable, "-m", "xiangxing.cli", "user", "create"),
                *("--username", username, "--role", role, *where, "--password-stdin"),
            ],
            input=PASSWORD + "\n",
            text=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
            check=False,
        )


async def known_rows() -> dict[str, Any]:
    """What the simulated users pick from: counties, categories, published ids, the member's
    signed agreements, the station's village, and pairs to propose (the same category, offers
    taken round the organizations so none reaches its limit of open proposals)."""
    engine = create_engine(get_settings())
    rng = random.Random(20)
    async with engine.connect() as connection:
        counties = list(
            await connection.scalars(select(Region.code).where(Region.level == RegionLevel.COUNTY))
        )
        needs = list(
            await connection.execute(
                select(Need.id, Need.category)
                .where(Need.state == "published")
                .order_by(func.random())
                .limit(3000)
            )
        )
        offers = list(
            await connection.execute(
                select(Offer.id, Offer.category, Offer.organization_id)
                .where(Offer.state == "published")
                .order_by(Offer.organization_id, Offer.id)
            )
        )
        organization = (
            await connection.execute(
                select(Organization.name, Organization.id)
                .join(Agreement, Agreement.organization_id == Organization.id)
                .where(Agreement.state.in_(SIGNED))
                .group_by(Organization.name, Organization.id)
                .order_by(func.count().desc())
                .limit(1)
            )
        ).one()
        agreements = list(
            await connection.scalars(
                select(Agreement.id).where(
                    Agreement.organization_id == organization.id, Agreement.state.in_(SIGNED)
                )
            )
        )
        station = (
            await connection.execute(
                select(Station.township_code, Region.code)
                .join(Region, Region.parent_code == Station.township_code)
                .limit(1)
            )
        ).one()
    await engine.dispose()
    by_organization: dict[Any, list[Any]] = {}
    for offer in offers:
        by_organization.setdefault(offer.organization_id, []).append(offer)
    rounds = [
        [offers_of[turn] for offers_of in by_organization.values() if turn < len(offers_of)]
        for turn in range(3)
    ]
    pairs = []
    for offer in (offer for round_ in rounds for offer in round_):
        same = [need.id for need in needs if need.category == offer.category]
        if same:
            pairs.append((str(rng.choice(same)), str(offer.id)))
    return {
        "counties": counties,
        "categories": sorted({need.category for need in needs}),
        "words": WORDS,
        "needs": [str(need.id) for need in needs],
        "offers": [str(offer.id) for offer in offers[:3000]],
        "agreements": [str(agreement) for agreement in agreements],
        "village": station.code,
        "township": station.township_code,
        "organization": organization.name,
        "pairs": pairs,
    }


def sign_in(base: str) -> dict[str, str]:
    tokens = {}
    for role, username in ACCOUNTS.items():
        answer = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"username": username, "password": PASSWORD},
            timeout=60,
        )
        answer.raise_for_status()
        tokens[role] = answer.json()["access_token"]
    return tokens


def warm_up(bases: list[str], known: dict[str, Any]) -> None:
    """One request of each kind to each instance: templates compiled, the search index loaded,
    pools filled, before anything is measured."""
    paths = [
        f"/catalogue?county={known['counties'][0]}",
        f"/search?q={WORDS[0]}",
        f"/api/v1/search?q={WORDS[0]}",
        f"/api/v1/needs?county={known['counties'][0]}",
        f"/catalogue/needs/{known['needs'][0]}",
        f"/catalogue/offers/{known['offers'][0]}",
    ]
    for base in bases:
        for path in paths:
            httpx.get(f"{base}{path}", timeout=120)


def locust(
    visitor: str, host: str, users: int, seconds: int, fixture: Path, env: dict[str, str]
) -> dict[str, float]:
    """Requests per second, p50/p95/p99 in ms and the error rate of one run; the failures;
    count, p50 and p95 of each kind of request."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        subprocess.run(
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "load_mix.py")),
                *("--headless", "--only-summary", "--reset-stats", "-u", str(users)),
                *("-r", str(max(users // 4, 1)), "-t", f"{seconds}s", "-H", host),
                *("--csv", str(prefix), "--loglevel", "WARNING", visitor),
            ],
            env={**env, "XIANGXING_LOAD_FIXTURE": str(fixture)},
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
            rows = list(csv.DictReader(stats))
        total = next(row for row in rows if row["Name"] == "Aggregated")
        each = {
            f"{row['Type']} {row['Name']}": (int(row["Request Count"]), row["50%"], row["95%"])
            for row in rows
            if row["Name"] != "Aggregated"
        }
        with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
            failed = [f"{row['Name']}: {row['Error']}" for row in csv.DictReader(failures)]
    requests = float(total["Request Count"])
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "errors": float(total["Failure Count"]) / requests if requests else 1.0,
        "failures": failed,  # type: ignore[dict-item]
        "each": each,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1, help="Granian workers per instance")
    parser.add_argument("--base-port", type=int, default=18800)
    parser.add_argument(
        "--pool",
        type=int,
        default=5,
        help="connections kept per worker (10 more in overflow): all instances and the "
        "yardstick's 30 must fit in the server's max_connections beside everyone else's",
    )
    arguments = parser.parse_args()
    if shutil.which("nginx") is None:
        sys.exit("needs nginx: apt-get install nginx")
    if not os.environ.get("XIANGXING_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("needs XIANGXING_DATABASE_URL naming a database filled by province_data.py")
    env = {
        **os.environ,
        "XIANGXING_ENV": "development",
        "XIANGXING_TRUSTED_PROXIES": "127.0.0.1",
        "XIANGXING_DATABASE_POOL_SIZE": str(arguments.pool),
    }
    known = asyncio.run(known_rows())
    create_accounts(env, known["township"], known["organization"])
    base, port = f"http://127.0.0.1:{arguments.base_port}", arguments.base_port
    yardstick = [
        *(sys.executable, "-m", "granian", "--interface", "asgi"),
        *("--workers", str(INSTANCES * arguments.workers), "--port", str(port + 11)),
        *("--working-dir", str(ROOT / "benchmarks"), "yardstick_app:app"),
    ]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        for number in range(1, INSTANCES + 1):
            stack.enter_context(
                server(
                    [
                        *(sys.executable, "-m", "xiangxing.cli", "serve"),
                        *("--port", str(port + number), "--workers", str(arguments.workers)),
                    ],
                    port + number,
                    env,
                    Path(folder) / f"instance-{number}.log",
                )
            )
        stack.enter_context(server(yardstick, port + 11, env))
        stack.enter_context(nginx(Path(folder), port))
        known["tokens"] = sign_in(base)
        warm_up([f"http://127.0.0.1:{port + n}" for n in range(1, INSTANCES + 1)], known)
        rows = []
        pairs = known.pop("pairs")
        for users in arguments.users:
            fixture = Path(folder) / f"fixture-{users}.json"
            share = len(pairs) // len(arguments.users)
            fixture.write_text(json.dumps({**known, "pairs": pairs[:share]}))
            pairs = pairs[share:]
            for name, visitor, host in (
                ("bare yardstick", "YardstickVisitor", f"http://127.0.0.1:{port + 10}"),
                ("platform mix", "PlatformVisitor", base),
            ):
                load = os.getloadavg()[0]
                found = locust(visitor, host, users, arguments.seconds, fixture, env)
                rows.append((users, name, found, load))
        errors = Counter(
            line.strip()
            for log in Path(folder).glob("instance-*.log")
            for line in log.read_text(errors="replace").splitlines()
            if FAILURE_LINE.match(line)
        )
    print(
        f"| users | app ({INSTANCES} × {arguments.workers} workers behind nginx, "
        f"{arguments.seconds} s) | req/s | p50 ms | p95 ms | p99 ms | errors | load before |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for users, name, m, load in rows:
        print(
            f"| {users} | {name} | {m['rps']:.0f} | {m['p50']:.0f} | {m['p95']:.0f} | "
            f"{m['p99']:.0f} | {m['errors']:.2%} | {load:.1f} |"
        )
    for users, name, m, _load in rows:
        for failure in m["failures"]:  # type: ignore[attr-defined]
            print(f"{users} users, {name}: {failure}")
        for request, (count, p50, p95) in m["each"].items():  # type: ignore[attr-defined]
            print(f"{users} users, {name}: {request}: {count} requests, p50 {p50}, p95 {p95} ms")
    for line, count in errors.most_common(20):
        print(f"logged {count} times: {line[:300]}")


if __name__ == "__main__":
    main()
