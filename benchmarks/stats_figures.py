"""The monitoring figures over many agreements: how long each aggregate of the stats API, the
transparency page's list and the IATI document take when a city has signed for years.

Agreements, organizations, ledger entries and their money summary are bulk-inserted (no
services: this measures reading) into a fresh database — a SQLite file in a temporary directory, or the empty
PostgreSQL database named by ``XIANGXING_DATABASE_URL`` — and each figure is computed in
process, one call after another; the table gives the median and the slowest of the rounds.

    uv run python benchmarks/stats_figures.py [--agreements 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from generate_catalogue import organization_rows
from money_summary import summaries
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from uuid_utils.compat import uuid7

from accounts.models import Organization, Origin
from agreements.models import Agreement
from agreements.programmes import programmes
from core.categories import TopCategory
from core.database import create_engine
from core.pagination import PageRequest
from core.settings import get_settings
from funds.models import LedgerEntry
from funds.rollup import rebuild_rollup
from monitoring.figures import Figures
from monitoring.filters import FundsGrouping, StatsFilters
from monitoring.iati import OpenData, Publisher, iati_activities
from monitoring.repository import PublicAgreements
from regions.models import Region, RegionLevel
from xiangxing.setup import upgrade_database

STATES = ["signed", "in_progress", "in_progress", "completed", "draft", "terminated"]
BATCH = 5000


def ledger_rows(agreement_id: Any, booked: datetime, rng: random.Random) -> list[dict]:
    """A commitment, two disbursements (one confirmed), an expenditure, sometimes a reversal
    of the second disbursement: the mix the figures' rules have to sort out."""
    committed = Decimal(rng.randrange(10_000, 500_000))
    rows: list[dict] = []

    def entry(kind: str, amount: Decimal, **links: Any) -> dict:
        row = {
            "id": uuid7(),
            "agreement_id": agreement_id,
            "sequence": len(rows) + 1,
            "entry_type": kind,
            "amount": amount,
            "created_at": booked + timedelta(days=20 * len(rows)),
            "content_hash": "0" * 64,
            "evidence": "发票 2 张",
            **links,
        }
        rows.append(row)
        return row

    entry("commitment", committed)
    first = entry("disbursement", committed / 2)
    second = entry("disbursement", committed / 4)
    entry("receipt_confirmation", first["amount"], confirms_id=first["id"])
    entry("expenditure", committed / 5)
    if rng.random() < 0.1:
        entry("reversal", second["amount"], reverses_id=second["id"])
    return rows


def agreement_row(
    serial: int, counties: list[str], organizations: list[dict], rng: random.Random, now: datetime
) -> dict:
    """One agreement of 2024, 2025 or 2026 in a county (not the last two: a county without
    any), of any category, programme, state and organization, as a row for a bulk insert."""
    year, county = 2024 + serial % 3, rng.choice(counties[:-2])
    return {
        "id": uuid7(),
        "number": f"ZT-{year}-{serial:05d}",
        "year": year,
        "title": f"基准帮扶协议{serial}",
        "category": rng.choice(list(TopCategory)).value,
        "programme": rng.choice(list(programmes())),
        "state": rng.choice(STATES),
        "organization_id": rng.choice(organizations)["id"],
        "recipient_kind": "county",
        "recipient_name": county,
        "recipient_region_code": county,
        "county_code": county,
        "period_start": date(year, 1, 1),
        "period_end": date(year, 12, 31),
        "signed_on": date(year, 1, 1),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


async def organizations_and_counties(
    database: AsyncSession | AsyncConnection, count: int, prefix: str, rng: random.Random
) -> tuple[list[dict], list[str]]:
    """``count`` organizations of any origin, inserted, and the counties agreements go to."""
    organizations = organization_rows(count, 9_000_000, prefix, datetime.now(UTC))
    for row in organizations:
        row["origin"] = rng.choice(list(Origin)).value
    await database.execute(insert(Organization), organizations)
    counties = await database.scalars(select(Region.code).where(Region.level == RegionLevel.COUNTY))
    return organizations, list(counties)


async def generate(session: AsyncSession, agreements: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    organizations, counties = await organizations_and_counties(session, 200, "统计基准组织", rng)
    agreement_rows, entries = [], []
    for serial in range(agreements):
        row = agreement_row(serial, counties, organizations, rng, now)
        agreement_rows.append(row)
        booked = datetime(row["year"], 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(200))
        entries += ledger_rows(row["id"], booked, rng)
    tables = {Agreement: agreement_rows, LedgerEntry: entries, **summaries(entries)}
    for model, rows in tables.items():
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(model), rows[start : start + BATCH])
    await rebuild_rollup(session)
    await session.commit()
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE"))  # as autovacuum would soon after a bulk load


async def iati_document(public: PublicAgreements) -> bytes:
    agreements = await public.everything(StatsFilters())
    ids = [agreement.id for agreement in agreements]
    data = OpenData(
        agreements,
        await public.transactions(ids),
        await public.targets(ids),
        await public.reported_values(ids),
    )
    return iati_activities(data, Publisher("CN-BENCH", "基准"), datetime.now(UTC))


def cases(session: AsyncSession) -> dict[str, Callable[[], Awaitable[object]]]:
    figures, public = Figures(session), PublicAgreements(session)
    everything, one_county = StatsFilters(), StatsFilters(year=2025, category="industry")
    found: dict[str, Callable[[], Awaitable[object]]] = {
        "overview": lambda: figures.overview(everything),
        "overview, year 2025 + industry": lambda: figures.overview(one_county),
        "coverage (11 counties)": lambda: figures.coverage(everything),
        "organizations, first page": lambda: figures.organizations(everything, PageRequest()),
        "transparency list, first page": lambda: public.page(everything, PageRequest()),
        "transparency CSV rows (all)": lambda: public.everything(everything),
        "IATI document (all)": lambda: iati_document(public),
    }
    for grouping in FundsGrouping:
        found[f"funds by {grouping.value}"] = lambda g=grouping: figures.funds(everything, g)
    return found


async def measure(agreements: int, rounds: int) -> None:
    engine = create_engine(get_settings())
    await upgrade_database(engine)
    async with AsyncSession(engine) as session:
        started = time.perf_counter()
        await generate(session, agreements, random.Random(18))
        print(f"generated {agreements} agreements in {time.perf_counter() - started:.1f} s")
        print(f"| figure ({engine.dialect.name}, {agreements} agreements) | median ms | max ms |")
        print("| --- | ---: | ---: |")
        for name, call in cases(session).items():
            await call()
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                await call()
                times.append((time.perf_counter() - started) * 1000)
            print(f"| {name} | {statistics.median(times):.1f} | {max(times):.1f} |")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    if os.environ.get("XIANGXING_DATABASE_URL"):
        asyncio.run(measure(arguments.agreements, arguments.rounds))
        return
    with tempfile.TemporaryDirectory() as var_dir:
        os.environ["XIANGXING_VAR_DIR"] = var_dir
        get_settings.cache_clear()
        asyncio.run(measure(arguments.agreements, arguments.rounds))


if __name__ == "__main__":
    main()
