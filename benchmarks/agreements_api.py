"""Agreements, ledgers, reports, to-do lists and alerts through HTTP, by signed-in users.

The demo goes into a fresh database (a SQLite file in a temporary directory, or the PostgreSQL
database named by ``XIANGXING_DATABASE_URL``, which must be empty); the app is served as in
``list_api.py`` and one client times each request end to end over loopback, one after another,
signed in as the demo's reviewer and as its organization member (bearer token for the API, the
session cookie for the HTML page). Signed-in answers are never remembered, and the search memory
is off, so every request does its full work. The table gives the median and p95 per route.

    uv run python benchmarks/agreements_api.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

from list_api import PLATFORM_PORT, server

ROOT = Path(__file__).resolve().parents[1]
BASE = f"http://127.0.0.1:{PLATFORM_PORT}"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def load_demo() -> None:
    """Migrate the database and load the demo into it, as ``xiangxing demo`` does."""
    sys.path.insert(0, str(ROOT / "platform"))
    from core.database import create_engine
    from core.settings import get_settings
    from xiangxing.demo import load_demo_data
    from xiangxing.setup import upgrade_database

    settings = get_settings()
    engine = create_engine(settings)
    await upgrade_database(engine, "head")
    await load_demo_data(engine, settings)
    await engine.dispose()


def call(
    path: str, token: str | None = None, body: dict[str, object] | None = None
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers |= {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    request = urllib.request.Request(BASE + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def bearer(username: str, password: str) -> str:
    status, answer = call("/api/v1/auth/token", body={"username": username, "password": password})
    assert status == 201, answer
    return json.loads(answer)["access_token"]


def browser(username: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding the session cookie of a user signed in through the login form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(BASE + "/login", timeout=30).read().decode()
    form = {"username": username, "password": password, "next": "/agreements"}
    form["_csrf_token"] = CSRF_FIELD.search(page).group(1)  # type: ignore[union-attr]
    with opener.open(BASE + "/login", urllib.parse.urlencode(form).encode(), timeout=30) as answer:
        assert answer.url.endswith("/agreements"), f"{username} was not signed in"
    return opener


def page_getter(opener: urllib.request.OpenerDirector, path: str) -> Callable[[], int]:
    def get() -> int:
        with opener.open(BASE + path, timeout=30) as answer:
            answer.read()
            return answer.status

    return get


def timed(request: Callable[[], int], count: int, expected: int) -> dict[str, float]:
    """Milliseconds per request, after two warm-up requests; every answer must be ``expected``."""
    for _ in range(2):
        request()
    spent = []
    for _ in range(count):
        start = time.perf_counter()
        status = request()
        spent.append((time.perf_counter() - start) * 1000)
        assert status == expected, status
    return {
        "p50": statistics.median(spent),
        "p95": statistics.quantiles(spent, n=20)[-1],
    }


def agreement_with_ledger(reviewer: str, member: str) -> str:
    """An agreement of the member's organization on which the reviewer may record a commitment."""
    status, answer = call("/api/v1/agreements?page_size=100", member)
    assert status == 200, answer
    for item in json.loads(answer)["items"]:
        if call(f"/api/v1/agreements/{item['id']}/ledger", member)[0] != 200:
            continue  # a public agreement of another organization
        status, _ = call(
            f"/api/v1/agreements/{item['id']}/ledger",
            reviewer,
            {"entry_type": "commitment", "amount": "1000.00", "note": "benchmark"},
        )
        if status == 201:
            return item["id"]
    sys.exit("the demo has no agreement of org_member on which a reviewer may record a commitment")


FOLLOW_UP = {
    "reviewer": {"alerts": "/api/v1/alerts"},
    "org_member": {"to-do list": "/api/v1/todo"},
}
"""What each role follows up on: the reviewer's alerts, the member's to-do list."""


def run(count: int, password: str) -> list[tuple[str, dict[str, float]]]:
    reviewer = bearer("reviewer", password)
    member = bearer("org_member", password)
    agreement = agreement_with_ledger(reviewer, member)
    base = f"/api/v1/agreements/{agreement}"
    reads = {
        "agreements, first page": "/api/v1/agreements?page_size=20",
        "agreements, state in progress": "/api/v1/agreements?page_size=20&state=in_progress",
        "one agreement": base,
        "ledger entries": f"{base}/ledger",
        "ledger balance (with chain check)": f"{base}/ledger/balance",
        "progress reports": f"{base}/reports",
    }
    rows = []
    for role, token in (("reviewer", reviewer), ("org_member", member)):
        for name, path in reads.items():
            rows.append(
                (f"{role}: GET {name}", timed(lambda p=path, t=token: call(p, t)[0], count, 200))
            )
        for name, path in FOLLOW_UP[role].items():
            rows.append(
                (f"{role}: GET {name}", timed(lambda p=path, t=token: call(p, t)[0], count, 200))
            )
        signed_in = browser(role, password)
        html = page_getter(signed_in, "/agreements")
        rows.append((f"{role}: GET /agreements (HTML page)", timed(html, count, 200)))
        badge = page_getter(signed_in, "/follow-up/_badge")
        rows.append((f"{role}: GET the header's count (htmx partial)", timed(badge, count, 200)))
    commitment = {"entry_type": "commitment", "amount": "500.00", "note": "benchmark"}
    rows.append(
        (
            "reviewer: POST ledger commitment (new Idempotency-Key)",
            timed(lambda: call(f"{base}/ledger", reviewer, commitment)[0], count, 201),
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per route")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT / "platform"))
    from xiangxing.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as var_dir:
        os.environ |= {
            "XIANGXING_ENV": "development",
            "XIANGXING_VAR_DIR": var_dir,
            "XIANGXING_SEARCH_MEMORY_SECONDS": "0",
        }
        asyncio.run(load_demo())
        serve = [sys.executable, "-m", "xiangxing.cli", "serve", "--port", str(PLATFORM_PORT)]
        with server(serve, PLATFORM_PORT, dict(os.environ)):
            rows = run(arguments.requests, DEMO_PASSWORD)
    print(f"| route (1 client, 1 worker, {arguments.requests} requests each) | p50 ms | p95 ms |")
    print("| --- | ---: | ---: |")
    for name, figures in rows:
        print(f"| {name} | {figures['p50']:.1f} | {figures['p95']:.1f} |")
    print(f"requests timed: {arguments.requests * len(rows)}")


if __name__ == "__main__":
    main()
