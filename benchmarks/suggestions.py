"""Pairing suggestions on a large catalogue: server compute of ``SuggestionService`` in-process.

Fills the configured database (it replaces its needs, offers and proposals) with 100,000
published offers and 20,000 needs on the real Zhaotong divisions, their texts and lines taken
from the demo catalogue of the same sub-category, then asks for the 10 best offers of random
published needs (target: p95 under 30 ms) and the 10 best needs of random offers, one call
at a time, each in a session of its own as a request would, in three rounds of 300 calls.

Offers serve the whole city (5%), one to three counties (35%), one to four townships (40%)
or one to six villages (20%), so every need has thousands of eligible offers and the
candidate bound is always reached. On PostgreSQL the new rows are vacuumed and analysed, as
autovacuum would do soon after such a load; SQLite is left without statistics, as the app
leaves it.

    uv run python benchmarks/suggestions.py                       # SQLite under var/
    XIANGXING_DATABASE_URL=postgresql+asyncpg://… uv run python benchmarks/suggestions.py
    uv run python benchmarks/suggestions.py --reuse               # time again, same data
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from generate_catalogue import organization_rows
from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from uuid_utils.compat import uuid7

from accounts.models import Organization, Station
from core.clock import local_date, utc_now
from core.database import create_engine
from core.settings import get_settings
from demand.models import Need, NeedLine
from matching.models import Proposal
from matching.offer_places import refresh_statements
from matching.schemas import SuggestionFilters
from matching.suggestions import CANDIDATES, SuggestionService
from regions.loader import read_divisions
from regions.models import RegionLevel
from supply.models import Offer, OfferLine, offer_region
from xiangxing.demo_catalogue import DEMO_FILE
from xiangxing.setup import upgrade_database

BATCH = 5000
CITY = "530600000000"
ORGANIZATIONS = 300
ORGANIZATION_PREFIX = "建议基准组织"
NEED_STATES = ["published"] * 18 + ["submitted", "closed"]


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


class Places:
    """The real divisions, grouped the way offers choose the places they serve."""

    def __init__(self) -> None:
        divisions = read_divisions()
        self.counties = [d.code for d in divisions if d.level is RegionLevel.COUNTY]
        self.townships: dict[str, list[str]] = defaultdict(list)
        self.villages: dict[str, list[str]] = defaultdict(list)
        for division in divisions:
            if division.level is RegionLevel.TOWNSHIP:
                self.townships[division.parent_code or ""].append(division.code)
            elif division.level is RegionLevel.VILLAGE:
                self.villages[division.parent_code or ""].append(division.code)
        self.all_villages = [
            (village, township) for township, codes in self.villages.items() for village in codes
        ]

    def served(self, rng: random.Random) -> list[str]:
        draw = rng.random()
        if draw < 0.05:
            return [CITY]
        if draw < 0.40:
            return rng.sample(self.counties, rng.randint(1, 3))
        county = rng.choice(self.counties)
        if draw < 0.80:
            townships = self.townships[county]
            return rng.sample(townships, min(len(townships), rng.randint(1, 4)))
        villages = self.villages[rng.choice(self.townships[county])]
        return rng.sample(villages, min(len(villages), rng.randint(1, 6)))


def _texts() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Demo offers and needs by kind and sub-category."""
    content = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    found: dict[str, dict[str, list[dict[str, Any]]]] = {"offers": {}, "needs": {}}
    for kind in found:
        for item in content[kind]:
            found[kind].setdefault(item["subcategory"], []).append(item)
    return found


def _lines(model: dict[str, Any], rng: random.Random, need: bool) -> list[dict[str, Any]]:
    rows = []
    for position, line in enumerate(model["lines"]):
        amount = (Decimal(line["amount"]) * Decimal(rng.uniform(0.3, 3))).quantize(Decimal(1))
        amount = max(amount, Decimal(1))
        row = {
            "id": uuid7(),
            "position": position,
            "kind": line["kind"],
            "item": line.get("item", ""),
            "unit": line.get("unit", ""),
            "committed": (amount * Decimal(rng.choice([0, 0, 0, 0.3, 0.6, 1]))).quantize(
                Decimal(1)
            ),
        }
        row["sought" if need else "offered"] = amount
        if need:
            row["delivered"] = Decimal(0)
        rows.append(row)
    return rows


async def _clear(connection: Any) -> None:
    for table in (
        Proposal.__table__,
        offer_region,
        OfferLine.__table__,
        Offer.__table__,
        NeedLine.__table__,
        Need.__table__,
    ):
        await connection.execute(delete(table))
    await connection.execute(
        delete(Organization.__table__).where(Organization.name.like(f"{ORGANIZATION_PREFIX}%"))
    )


async def generate(engine: AsyncEngine, offers: int, needs: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    places = Places()
    texts = _texts()
    subcategories = sorted(set(texts["offers"]) & set(texts["needs"]))
    top_of = {sub: texts["offers"][sub][0]["category"] for sub in subcategories}
    now = datetime.now(UTC)
    today = local_date(now)
    started = time.perf_counter()
    async with engine.begin() as connection:
        await _clear(connection)
        stations = dict((await connection.execute(select(Station.township_code, Station.id))).all())
        new_stations = [
            {
                "id": uuid7(),
                "township_code": township,
                "name": "基准社工站",
                "contact_name": "",
                "contact_phone": "",
                "created_at": now,
                "updated_at": now,
            }
            for codes in places.townships.values()
            for township in codes
            if township not in stations
        ]
        if new_stations:
            await connection.execute(insert(Station.__table__), new_stations)
        stations.update({row["township_code"]: row["id"] for row in new_stations})
        organizations = organization_rows(ORGANIZATIONS, 800000, ORGANIZATION_PREFIX, now)
        await connection.execute(insert(Organization.__table__), organizations)

        offer_rows, offer_lines, served = [], [], []
        for _ in range(offers):
            sub = rng.choice(subcategories)
            model = rng.choice(texts["offers"][sub])
            offer_id = uuid7()
            capacity = rng.randint(1, 10)
            offer_rows.append(
                {
                    "id": offer_id,
                    "organization_id": rng.choice(organizations)["id"],
                    "category": top_of[sub],
                    "subcategory_code": sub,
                    "title": f"{model['title']}（第{rng.randint(1, 999)}期）",
                    "description": model["description"],
                    "tags": model.get("tags", []),
                    "state": "published",
                    "submitted_at": now,
                    "published_at": now - timedelta(minutes=rng.randint(1, 600_000)),
                    "valid_from": today - timedelta(days=30),
                    "valid_until": today + timedelta(days=rng.randint(-60, 400)),
                    "capacity": capacity,
                    "capacity_used": rng.choice([0, 0, 0, rng.randint(0, capacity)]),
                    "contact_name": "",
                    "contact_phone": "",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            offer_lines += [
                {**line, "offer_id": offer_id} for line in _lines(model, rng, need=False)
            ]
            served += [{"offer_id": offer_id, "region_code": code} for code in places.served(rng)]
        need_rows, need_lines = [], []
        for _ in range(needs):
            sub = rng.choice(subcategories)
            model = rng.choice(texts["needs"][sub])
            village, township = rng.choice(places.all_villages)
            need_id = uuid7()
            state = rng.choice(NEED_STATES)
            need_rows.append(
                {
                    "id": need_id,
                    "category": top_of[sub],
                    "subcategory_code": sub,
                    "title": model["title"],
                    "description": model["description"],
                    "tags": model.get("tags", []),
                    "state": state,
                    "submitted_at": now,
                    "published_at": now - timedelta(minutes=rng.randint(1, 600_000)),
                    "region_code": village,
                    "township_code": township,
                    "county_code": township[:6] + "000000",
                    "station_id": stations[township],
                    "channel": "station",
                    "channel_name": "",
                    "beneficiary_count": rng.randint(1, 200),
                    "beneficiary_groups": [],
                    "urgency": rng.choice(["red", "yellow", "green"]),
                    "deadline": today + timedelta(days=rng.randint(-30, 300)),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            need_lines += [{**line, "need_id": need_id} for line in _lines(model, rng, need=True)]
        for rows, table in (
            (offer_rows, Offer.__table__),
            (offer_lines, OfferLine.__table__),
            (served, offer_region),
            (need_rows, Need.__table__),
            (need_lines, NeedLine.__table__),
        ):
            for chunk in _chunks(rows):
                await connection.execute(insert(table), chunk)
        for statement in refresh_statements():  # bulk rows pass no mapper event
            await connection.execute(statement)
        await connection.execute(
            insert(Proposal.__table__), _proposals(need_rows, offer_rows, rng, now)
        )
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            for table in (
                "offer",
                "offer_line",
                "offer_region",
                "offer_place",
                "need",
                "need_line",
                "proposal",
            ):
                await connection.execute(text(f"VACUUM ANALYZE {table}"))
    print(
        f"generated {offers:,} offers ({len(served):,} places served) and {needs:,} needs "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _proposals(
    needs: list[dict[str, Any]], offers: list[dict[str, Any]], rng: random.Random, now: datetime
) -> list[dict[str, Any]]:
    """Open and accepted pairings, so that fairness and the exclusion of proposed pairs have
    something to read."""
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for offer in offers:
        by_category[offer["category"]].append(offer)
    rows = []
    for need in rng.sample(needs, len(needs) // 10):
        offer = rng.choice(by_category[need["category"]])
        rows.append(
            {
                "id": uuid7(),
                "need_id": need["id"],
                "offer_id": offer["id"],
                "organization_id": offer["organization_id"],
                "state": rng.choice(["proposed", "accepted", "declined"]),
                "proposed_by": "offer",
                "message": "",
                "answer_reason": "",
                "score": 0.5,
                "breakdown": {},
                "expires_at": now + timedelta(days=7),
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


async def _timed(
    sessions: async_sessionmaker[AsyncSession], method: Any, ids: list[UUID]
) -> tuple[list[float], list[int]]:
    """One call per entry, each in a session of its own; the seconds and suggestions found."""
    times, found = [], []
    for entry_id in ids:
        async with sessions() as session:
            service = SuggestionService(session, utc_now)
            began = time.perf_counter()
            answer = await method(service, entry_id, 10, SuggestionFilters())
            times.append(time.perf_counter() - began)
            found.append(answer.total)
    return times, found


async def measure(engine: AsyncEngine, calls: int, rounds: int, seed: int = 5) -> None:
    """Offers for random needs and needs for random offers, in rounds of other random entries;
    a few calls on other needs warm the connections first. The table gives the median of the
    rounds' percentiles, so that one round disturbed by the machine does not decide; the first
    round starts with nothing in the word memory of `matching.suggestions`."""
    rng = random.Random(seed)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        need_ids = list(
            await session.scalars(select(Need.id).where(Need.state == "published").limit(50_000))
        )
        offer_ids = list(await session.scalars(select(Offer.id).limit(50_000)))
    await _timed(sessions, SuggestionService.for_need, rng.sample(need_ids, 10))
    cases = (
        ("offers for a need", SuggestionService.for_need, need_ids),
        ("needs for an offer", SuggestionService.for_offer, offer_ids),
    )
    cuts: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    found: dict[str, list[int]] = defaultdict(list)
    for _ in range(rounds):
        for name, method, ids in cases:
            times, totals = await _timed(sessions, method, rng.sample(ids, calls))
            cuts[name].append(_percentiles(times))
            found[name] += totals
    print(
        f"\n{engine.dialect.name}: k = 10, at most {CANDIDATES} candidates scored per call, "
        f"{rounds} rounds of {calls} calls"
    )
    print("| call | suggestions found (mean) | p50 ms | p95 ms | p99 ms | p95 of each round |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, _method, _ids in cases:
        p50, p95, p99 = (statistics.median(column) for column in zip(*cuts[name], strict=True))
        each = ", ".join(f"{round_cuts[1]:.1f}" for round_cuts in cuts[name])
        print(
            f"| {name} | {statistics.mean(found[name]):.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} "
            f"| {each} |"
        )


async def run(offers: int, needs: int, calls: int, rounds: int, reuse: bool) -> None:
    engine = create_engine(get_settings())
    await upgrade_database(engine)
    if not reuse:
        await generate(engine, offers, needs)
    await measure(engine, calls, rounds)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=300, help="calls per round and kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="time the data already there")
    arguments = parser.parse_args()
    asyncio.run(
        run(arguments.offers, arguments.needs, arguments.calls, arguments.rounds, arguments.reuse)
    )


if __name__ == "__main__":
    main()
