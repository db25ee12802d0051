"""CPU per request of the catalogue and search pages, in process, split by where it goes.

Each case is asked ``--requests`` times through the app's ASGI interface (httpx, no network) in
one round; a round reports the process's CPU per request (``time.process_time()``) and how much
of it went to rendering the template, to SQL statements (``AsyncSession`` calls, driver and ORM
included), to the rest of the route (dependencies, the handler, the response) and to everything
outside the route (middleware and the test client), with the statements per request. The app is
the one ``xiangxing serve`` runs (start-up objects frozen), without the search indexer and the
jobs, so nothing but the requests runs.

With ``--before DIR`` (an export of older code: ``git archive REV platform templates static
locale | tar -x -C DIR``) two worker processes, one per version, answer alternate rounds on the
same database and the medians of the rounds are printed side by side.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/bench uv run python benchmarks/page_work.py \\
        --rounds 8 --requests 200 --before ../older

Signed-in cases sign in as ``list_api.BENCH_USER`` (a reviewer, created on first use); on a
database that must not be written to, ``--anonymous`` measures the public cases alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import jinja2
from alternating import alternate, start, versions
from list_api import BENCH_PASSWORD, BENCH_USER, make_reviewer
from litestar.routes.http import HTTPRoute
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

COUNTY = "530627000000"
CASES = {
    "/catalogue public": ("anonymous", "/catalogue"),
    "/catalogue?county=… public": ("anonymous", f"/catalogue?county={COUNTY}"),
    "/catalogue?county=… signed in": ("reviewer", f"/catalogue?county={COUNTY}"),
    "/catalogue?kind=offers public": ("anonymous", "/catalogue?kind=offers"),
    "/search?q=苹果 public": ("anonymous", "/search?q=%E8%8B%B9%E6%9E%9C"),
    "/search?q=苹果 signed in": ("reviewer", "/search?q=%E8%8B%B9%E6%9E%9C"),
}
PARTS = ("cpu", "render", "sql", "route", "outside", "statements")


class Meter:
    """Where the CPU of the requests goes: outermost calls timed, nested ones not again."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(("render", "sql", "route"), 0.0)
        self.depth = dict.fromkeys(self.spent, 0)
        self.statements = 0

    def reset(self) -> None:
        self.spent = dict.fromkeys(self.spent, 0.0)
        self.statements = 0

    def timed(self, owner: Any, name: str, part: str) -> None:
        original = getattr(owner, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.depth[part] += 1
            started = time.process_time()
            try:
                return await original(*args, **kwargs)
            finally:
                self.depth[part] -= 1
                if not self.depth[part]:
                    self.spent[part] += time.process_time() - started

        setattr(owner, name, wrapper)

    def install(self) -> None:
        render = jinja2.Template.render

        def timed_render(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
            started = time.process_time()
            try:
                return render(template, *args, **kwargs)
            finally:
                self.spent["render"] += time.process_time() - started

        jinja2.Template.render = timed_render  # type: ignore[method-assign]
        for name in ("execute", "scalar", "scalars", "get"):
            self.timed(AsyncSession, name, "sql")
        self.timed(HTTPRoute, "_call_handler_function", "route")

        def count(*_args: Any) -> None:
            self.statements += 1

        event.listen(Engine, "before_cursor_execute", count)


async def _sign_in(client: httpx.AsyncClient) -> None:
    page = (await client.get("/login")).text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert token is not None, "the login page carries no CSRF token"
    answer = await client.post(
        "/login",
        data={"username": BENCH_USER, "password": BENCH_PASSWORD, "_csrf_token": token.group(1)},
        follow_redirects=True,
    )
    assert "/login" not in str(answer.url), f"{BENCH_USER} was not signed in"


async def worker(anonymous: bool) -> None:
    """Answer ``round N`` on standard input with a JSON line of each case's figures."""
    from xiangxing.app import create_served_app

    meter = Meter()
    meter.install()
    app = create_served_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        clients = {
            who: httpx.AsyncClient(transport=transport, base_url="http://testserver")
            for who in ("anonymous", "reviewer")
        }
        cases = {name: case for name, case in CASES.items() if case[0] == "anonymous"}
        if not anonymous:
            await _sign_in(clients["reviewer"])
            cases = CASES
        for who, url in cases.values():
            for _ in range(5):
                (await clients[who].get(url)).raise_for_status()
        print("ready", flush=True)
        for line in sys.stdin:
            if not line.startswith("round"):
                break
            count = int(line.split()[1])
            figures = {}
            for name, (who, url) in cases.items():
                meter.reset()
                started = time.process_time()
                for _ in range(count):
                    (await clients[who].get(url)).raise_for_status()
                cpu = time.process_time() - started
                spent = meter.spent
                seconds = {
                    "cpu": cpu,
                    "render": spent["render"],
                    "sql": spent["sql"],
                    "route": spent["route"] - spent["sql"] - spent["render"],
                    "outside": cpu - spent["route"],
                }
                figures[name] = {part: value * 1000 / count for part, value in seconds.items()}
                figures[name]["statements"] = meter.statements / count
            print(json.dumps(figures, ensure_ascii=False), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=200, help="per case and round")
    parser.add_argument("--before", type=Path, help="an export of the code to compare with")
    parser.add_argument("--anonymous", action="store_true", help="the public cases alone")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        asyncio.run(worker(arguments.anonymous))
        return
    if not arguments.anonymous:
        make_reviewer({**os.environ, "XIANGXING_ENV": "development"})
    started = {
        name: start(__file__, code, *(["--anonymous"] if arguments.anonymous else []))
        for name, code in versions(arguments.before).items()
    }
    rounds = alternate(started, arguments.rounds, arguments.requests)
    workers = list(started)
    print(
        f"| case ({arguments.rounds} rounds of {arguments.requests} requests, medians, ms "
        "of CPU per request) | " + " | ".join(f"{v}: {p}" for p in PARTS for v in workers) + " |"
    )
    print("| --- |" + " ---: |" * (len(PARTS) * len(workers)))
    for case in rounds[next(iter(workers))][0]:
        medians = [
            statistics.median(answer[case][part] for answer in rounds[version])
            for part in PARTS
            for version in workers
        ]
        print(f"| {case} | " + " | ".join(f"{m:.2f}" for m in medians) + " |")


if __name__ == "__main__":
    main()
