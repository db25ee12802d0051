"""The stats API at a city's scale after years of use, end to end over HTTP: 100,000 needs,
50,000 agreements and about a million ledger entries in PostgreSQL, each stats route asked by a
signed-in reviewer (bearer token: answers are never remembered) of a real ``xiangxing serve``
(one worker) over loopback, one call after another, with and without a filter; then the
dashboard page the same way, signed in through the login form (a reviewer's, with the alerts,
and a viewer's, without); then the half-year review, its year view and .xlsx, and the
commendation list, signed in the same way.

Needs come from ``generate_catalogue``; organizations and agreements as in ``stats_figures``;
each agreement that is not a draft gets a ledger of tranches (about 20 entries: commitments,
disbursements, confirmations, disputes, expenditures, refunds and reversals of each kind booked
over months), and its money summary by ``funds.summary``'s rules. The ledger is loaded with
COPY. The table gives p50 and p95 of the calls after one warm-up call per URL.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/empty_db uv run python benchmarks/stats_api.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from generate_catalogue import generate as generate_catalogue
from list_api import BENCH_PASSWORD, BENCH_USER, PLATFORM_PORT, ROOT, reviewer_token, server
from money_summary import summaries
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection
from stats_figures import agreement_row, organizations_and_counties
from uuid_utils.compat import uuid7

from agreements.models import Agreement
from core.database import create_engine
from core.settings import get_settings
from funds.models import LedgerEntry
from funds.rollup import rebuild_rollup

BATCH = 5000
BENCH_VIEWER = "bench_viewer"
REVIEW_PAGES = (
    ("half-year review page, 2025 H2", "/review/half-year?period=2025H2"),
    ("half-year review .xlsx, 2025 H2", "/review/half-year.xlsx?period=2025H2"),
    ("year view page, 2025", "/review/half-year?period=2025"),
    ("commendation page, last 12 months", "/commendation"),
    ("commendation page, 2025", "/commendation?year=2025"),
)
"""The meeting papers: each lists every agreement of its period that needs a word."""
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
FUNDS_GROUPS = ("category", "county", "month", "programme")
CENT = Decimal("0.01")
LEDGER_COLUMNS = (
    "id",
    "agreement_id",
    "sequence",
    "entry_type",
    "amount",
    "unit",
    "spend_category",
    "evidence",
    "note",
    "reverses_id",
    "confirms_id",
    "actor_name",
    "created_at",
    "content_hash",
    "previous_hash",
)


class Ledger:
    """One agreement's entries as rows, booked a few days apart."""

    def __init__(self, agreement_id: Any, booked: datetime, rng: random.Random) -> None:
        self.agreement_id, self.booked, self.rng = agreement_id, booked, rng
        self.rows: list[dict] = []

    def add(self, kind: str, amount: Decimal, **links: Any) -> dict:
        self.booked += timedelta(days=self.rng.randrange(1, 12), hours=self.rng.randrange(24))
        row = {
            "id": uuid7(),
            "agreement_id": self.agreement_id,
            "sequence": len(self.rows) + 1,
            "entry_type": kind,
            "amount": amount,
            "unit": "",
            "spend_category": "materials" if kind == "expenditure" else "",
            "evidence": self.evidence() if kind == "expenditure" else "",
            "note": "",
            "reverses_id": None,
            "confirms_id": None,
            "actor_name": "bench",
            "created_at": self.booked,
            "content_hash": "0" * 64,
            "previous_hash": "",
            **links,
        }
        self.rows.append(row)
        return row

    def evidence(self) -> str:
        """Most expenditures carry their invoice; about one in thirty is booked without."""
        return "" if self.rng.random() < 0.03 else f"发票 {self.rng.randrange(1, 9)} 张"

    def reverse(self, row: dict) -> None:
        self.add("reversal", row["amount"], reverses_id=row["id"])


def ledger_rows(agreement_id: Any, booked: datetime, rng: random.Random) -> list[dict]:
    """A commitment (sometimes a second, now and then reversed) and seven tranches: each paid,
    mostly confirmed (a few disputed first, a few confirmed by mistake and reversed then
    confirmed again, a few paid wrongly and reversed), then spent in one or two expenditures."""
    ledger = Ledger(agreement_id, booked, rng)
    committed = Decimal(rng.randrange(60_000, 2_000_000))
    ledger.add("commitment", committed)
    if rng.random() < 0.2:
        extra = ledger.add("commitment", (committed / 10).quantize(CENT))
        if rng.random() < 0.3:
            ledger.reverse(extra)
    tranche = (committed / 8).quantize(CENT)
    for _ in range(7):
        paid = ledger.add("disbursement", tranche)
        if rng.random() < 0.03:
            ledger.reverse(paid)
            paid = ledger.add("disbursement", tranche)
        if rng.random() < 0.05:
            ledger.add("receipt_dispute", tranche, confirms_id=paid["id"])
        if rng.random() < 0.1:
            continue  # not answered yet
        confirmation = ledger.add("receipt_confirmation", tranche, confirms_id=paid["id"])
        if rng.random() < 0.03:
            ledger.reverse(confirmation)
            ledger.add("receipt_confirmation", tranche, confirms_id=paid["id"])
        for share in (Decimal("0.5"), Decimal("0.4"))[: rng.randrange(1, 3)]:
            ledger.add("expenditure", (tranche * share).quantize(CENT))
    if rng.random() < 0.05:
        ledger.add("refund", (tranche / 10).quantize(CENT))
    return ledger.rows


async def copy(connection: AsyncConnection, table: str, rows: list[dict]) -> None:
    """The rows into the table with PostgreSQL's COPY, the fastest bulk load there is."""
    raw = (await connection.get_raw_connection()).driver_connection
    columns = list(rows[0])
    records = [tuple(row[column] for column in columns) for row in rows]
    await raw.copy_records_to_table(table, records=records, columns=columns)  # type: ignore[union-attr]


async def generate(agreements: int, rng: random.Random) -> int:
    """The agreements with their ledgers and summaries; the number of ledger entries."""
    engine = create_engine(get_settings())
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        organizations, counties = await organizations_and_counties(
            connection, 2000, "统计规模基准组织", rng
        )
        agreement_rows, entries = [], []
        for serial in range(agreements):
            row = agreement_row(serial, counties, organizations, rng, now)
            agreement_rows.append(row)
            if row["state"] != "draft":
                start = datetime(row["year"], 1, 1, tzinfo=UTC) + timedelta(rng.randrange(200))
                entries += ledger_rows(row["id"], start, rng)
        for start in range(0, len(agreement_rows), BATCH):
            await connection.execute(insert(Agreement), agreement_rows[start : start + BATCH])
        await copy(connection, LedgerEntry.__tablename__, entries)
        for model, rows in summaries(entries).items():
            if rows:
                await copy(connection, model.__tablename__, rows)
        await rebuild_rollup(connection)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would after a load
    await engine.dispose()
    return len(entries)


def filtered(county: str) -> str:
    return f"year=2025&county={county}&category=industry"


def cases(county: str) -> dict[str, str]:
    found = {}
    for name, path in (
        ("overview", "overview?"),
        ("coverage", "coverage?"),
        *((f"funds by {key}", f"funds?group_by={key}&") for key in FUNDS_GROUPS),
        ("organizations", "organizations?"),
    ):
        found[name] = f"/api/v1/stats/{path}".rstrip("?&")
        found[f"{name}, year + county + category"] = f"/api/v1/stats/{path}{filtered(county)}"
    return found


def signed_in_browser(base: str, username: str = BENCH_USER) -> httpx.Client:
    """The reviewer (or the viewer) signed in through the login form, as a browser holds its
    session: the dashboard is a page, not an API route."""
    client = httpx.Client(base_url=base, timeout=60)
    form = CSRF_FIELD.search(client.get("/login").text)
    assert form is not None, "the login page carries no CSRF token"
    answer = client.post(
        "/login",
        data={"username": username, "password": BENCH_PASSWORD, "_csrf_token": form.group(1)},
        follow_redirects=True,
    )
    assert "/login" not in str(answer.url), f"{username} was not signed in"
    return client


def make_viewer(env: dict[str, str]) -> None:
    """A monitoring viewer in the benchmark database (created on first use): the dashboard
    without the alerts."""
    create = ["user", "create", "--username", BENCH_VIEWER, "--role", "viewer"]
    subprocess.run(
        [sys.executable, "-m", "xiangxing.cli", *create, "--password-stdin"],
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def measure(client: httpx.Client, url: str, calls: int) -> tuple[float, float]:
    """p50 and p95 in ms of ``calls`` calls after one warm-up call."""
    client.get(url).raise_for_status()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        client.get(url).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return statistics.median(times), cuts[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--agreements", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--skip-load", action="store_true", help="measure the data already there")
    parser.add_argument("--pages-only", action="store_true", help="the pages, not the stats API")
    arguments = parser.parse_args()
    if not os.environ.get("XIANGXING_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("needs XIANGXING_DATABASE_URL naming an empty PostgreSQL database")
    if not arguments.skip_load:
        started = time.perf_counter()
        asyncio.run(generate_catalogue(arguments.needs, 1000))
        entries = asyncio.run(generate(arguments.agreements, random.Random(18)))
        print(
            f"loaded {arguments.needs} needs, {arguments.agreements} agreements and {entries} "
            f"ledger entries in {time.perf_counter() - started:.0f} s"
        )
    env = {**os.environ, "XIANGXING_ENV": "development"}
    serve = [sys.executable, "-m", "xiangxing.cli", "serve", "--port", str(PLATFORM_PORT)]
    with server(serve, PLATFORM_PORT, env):
        headers = {"Authorization": f"Bearer {reviewer_token(env)}"}
        base = f"http://127.0.0.1:{PLATFORM_PORT}"
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            county = client.get("/api/v1/stats/coverage").json()["counties"][0]["code"]
            print(f"| call ({arguments.calls} calls each, signed in) | p50 ms | p95 ms |")
            print("| --- | ---: | ---: |")
            measured = {} if arguments.pages_only else cases(county)
            for name, url in measured.items():
                p50, p95 = measure(client, url, arguments.calls)
                print(f"| {name} | {p50:.0f} | {p95:.0f} |")
        make_viewer(env)
        for username, pages in (
            (
                BENCH_USER,
                (
                    ("dashboard page", "/dashboard"),
                    ("dashboard page, year + county + category", f"/dashboard?{filtered(county)}"),
                    *REVIEW_PAGES,
                ),
            ),
            (BENCH_VIEWER, (("viewer's dashboard page (no alerts)", "/dashboard"),)),
        ):
            browser = signed_in_browser(base, username)
            try:
                for name, url in pages:
                    p50, p95 = measure(browser, url, arguments.calls)
                    print(f"| {name} | {p50:.0f} | {p95:.0f} |")
            finally:
                browser.close()


if __name__ == "__main__":
    main()
