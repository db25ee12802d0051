"""Fill a database with a large catalogue for benchmarks: N needs and M offers on the real
divisions, mostly published, one to three lines each. Bulk inserts, no services: this measures
reading, not writing.

    uv run python benchmarks/generate_catalogue.py --needs 100000 --offers 20000

``--counties 129`` spreads them over a synthetic province instead: that many counties in
twelve cities under the code prefix 59 (no real province), eleven townships a county and ten
villages a township, added to the benchmark database's divisions (the real data file holds
Zhaotong alone; the app's data is never touched).

It replaces every need and offer in the database, so it refuses one that holds entries it did
not generate (real ones) unless told ``--wipe``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from uuid_utils.compat import uuid7

from accounts.credit_code import check_character
from accounts.models import Organization, Station
from catalogue.models import Category
from core.database import create_engine
from core.settings import get_settings
from demand.models import Need, NeedLine, Urgency
from matching.models import EntryTerms
from matching.offer_places import refresh_statements
from regions.models import Region, RegionLevel
from supply.models import Offer, OfferLine, offer_region
from xiangxing.setup import upgrade_database

BATCH = 5000
STATES = ["published"] * 17 + ["submitted", "draft", "closed"]
GENERATED = "基准数据"
"""The description of every generated entry: what tells them from real ones."""


class RealEntriesFound(SystemExit):
    """The database holds entries this script did not make; it deletes nothing then."""


async def refuse_real_entries(connection: AsyncConnection) -> None:
    real = 0
    for model in (Need, Offer):
        query = select(func.count()).select_from(model).where(model.description != GENERATED)
        real += await connection.scalar(query) or 0
    if real:
        msg = (
            f"the database holds {real} needs and offers this script did not generate; it "
            "would delete them. Use a database of its own, or pass --wipe to delete them."
        )
        raise RealEntriesFound(msg)


def organization_rows(count: int, first_serial: int, prefix: str, now: datetime) -> list[dict]:
    """Verified benchmark organizations with valid credit codes, as rows for a bulk insert."""
    rows = []
    for serial in range(count):
        first17 = f"51530600MJ{first_serial + serial:07d}"
        rows.append(
            {
                "id": uuid7(),
                "name": f"{prefix}{serial}",
                "credit_code": first17 + check_character(first17),
                "org_type": "social_group",
                "origin": "local",
                "registration_level": "city",
                "has_party_branch": False,
                "focus_categories": [],
                "description": "",
                "contact_name": "x",
                "contact_phone": "0870",
                "verification": "verified",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _chunks(rows: list[dict], size: int = BATCH) -> list[list[dict]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


SYNTHETIC_PROVINCE = "59"
CITIES = 12
TOWNSHIPS_PER_COUNTY = 11
VILLAGES_PER_TOWNSHIP = 10


def synthetic_regions(counties: int) -> list[dict]:
    """A province of ``counties`` counties as division rows, parents before children."""
    rows = [
        {
            "code": f"{SYNTHETIC_PROVINCE}{city:02d}".ljust(12, "0"),
            "name": f"基准市{city}",
            "short_name": f"基准市{city}",
            "level": "city",
            "parent_code": None,
            "full_name": f"基准市{city}",
        }
        for city in range(1, CITIES + 1)
    ]
    for serial in range(counties):
        city = rows[serial % CITIES]["code"]
        county = f"{city[:4]}{serial // CITIES + 1:02d}"
        county_name = f"基准县{serial + 1}"
        rows.append(
            {
                "code": county.ljust(12, "0"),
                "name": county_name,
                "short_name": county_name,
                "level": "county",
                "parent_code": city,
                "full_name": county_name,
            }
        )
        for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
            township = f"{county}{t:03d}"
            township_name = f"{county_name}/基准镇{t}"
            rows.append(
                {
                    "code": township.ljust(12, "0"),
                    "name": f"基准镇{t}",
                    "short_name": f"基准镇{t}",
                    "level": "township",
                    "parent_code": county.ljust(12, "0"),
                    "full_name": township_name,
                }
            )
            rows.extend(
                {
                    "code": f"{township}{v:03d}",
                    "name": f"基准村{v}",
                    "short_name": f"基准村{v}",
                    "level": "village",
                    "parent_code": township.ljust(12, "0"),
                    "full_name": f"{township_name}/基准村{v}",
                }
                for v in range(1, VILLAGES_PER_TOWNSHIP + 1)
            )
    return rows


async def add_synthetic_province(connection: AsyncConnection, counties: int) -> None:
    present = await connection.scalar(
        select(func.count()).select_from(Region).where(Region.code.like(f"{SYNTHETIC_PROVINCE}%"))
    )
    if present:
        return
    for chunk in _chunks(synthetic_regions(counties)):
        await connection.execute(insert(Region.__table__), chunk)


async def generate(
    needs: int, offers: int, *, wipe: bool = False, seed: int = 7, counties: int | None = None
) -> None:
    rng = random.Random(seed)
    engine = create_engine(get_settings())
    await upgrade_database(engine)
    started = time.perf_counter()
    async with engine.begin() as connection:
        if not wipe:
            await refuse_real_entries(connection)
        for table in (
            offer_region,
            OfferLine.__table__,
            Offer.__table__,
            NeedLine.__table__,
            Need.__table__,
            EntryTerms.__table__,
        ):
            await connection.execute(delete(table))
        regions_query = select(Region.code, Region.level, Region.parent_code)
        if counties is not None:
            await add_synthetic_province(connection, counties)
            regions_query = regions_query.where(Region.code.like(f"{SYNTHETIC_PROVINCE}%"))
        else:
            regions_query = regions_query.where(Region.code.not_like(f"{SYNTHETIC_PROVINCE}%"))
        regions = (await connection.execute(regions_query)).all()
        townships = [r.code for r in regions if r.level is RegionLevel.TOWNSHIP]
        villages = [(r.code, r.parent_code) for r in regions if r.level is RegionLevel.VILLAGE]
        counties = [r.code for r in regions if r.level is RegionLevel.COUNTY]
        subcategories = (
            await connection.execute(
                select(Category.code, Category.parent_code).where(Category.parent_code.is_not(None))
            )
        ).all()
        stations = dict((await connection.execute(select(Station.township_code, Station.id))).all())
        new_stations = []
        for township in townships:
            if township not in stations:
                stations[township] = uuid7()
                new_stations.append(
                    {
                        "id": stations[township],
                        "township_code": township,
                        "name": "基准社工站",
                        "contact_name": "",
                        "contact_phone": "",
                        "created_at": datetime.now(UTC),
                        "updated_at": datetime.now(UTC),
                    }
                )
        for chunk in _chunks(new_stations):
            await connection.execute(insert(Station.__table__), chunk)
        organizations = organization_rows(200, 900000, "基准社会组织", datetime.now(UTC))
        await connection.execute(
            delete(Organization.__table__).where(Organization.name.like("基准社会组织%"))
        )
        await connection.execute(insert(Organization.__table__), organizations)
        now = datetime.now(UTC)
        today = now.date()
        need_rows, need_lines = [], []
        for _ in range(needs):
            village, township = rng.choice(villages)
            sub, top = rng.choice(subcategories)
            need_id = uuid7()
            state = rng.choice(STATES)
            urgency = rng.choice(["red", "yellow", "green"])
            need_rows.append(
                {
                    "id": need_id,
                    "category": top,
                    "subcategory_code": sub,
                    "title": f"{sub}需求{rng.randint(1, 10**6)}",
                    "description": GENERATED,
                    "tags": [],
                    "state": state,
                    "published_at": now - timedelta(minutes=rng.randint(1, 10**6))
                    if state != "draft"
                    else None,
                    "region_code": village,
                    "township_code": township,
                    "county_code": township[:6] + "000000",
                    "station_id": stations[township],
                    "channel": "station",
                    "channel_name": "",
                    "beneficiary_count": rng.randint(1, 200),
                    "beneficiary_groups": [],
                    "urgency": urgency,
                    "urgency_weight": Urgency(urgency).weight,
                    "deadline": today + timedelta(days=rng.randint(10, 300)),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for position in range(rng.randint(1, 3)):
                sought = Decimal(rng.randint(1000, 500000))
                need_rows[-1]["amount"] = need_rows[-1].get("amount", Decimal(0)) + sought
                need_lines.append(
                    {
                        "id": uuid7(),
                        "need_id": need_id,
                        "position": position,
                        "kind": "funds",
                        "item": "",
                        "unit": "元",
                        "sought": sought,
                        "committed": Decimal(0),
                        "delivered": Decimal(0),
                    }
                )
        for chunk in _chunks(need_rows):
            await connection.execute(insert(Need.__table__), chunk)
        for chunk in _chunks(need_lines):
            await connection.execute(insert(NeedLine.__table__), chunk)
        offer_rows, offer_lines, served = [], [], []
        for _ in range(offers):
            sub, top = rng.choice(subcategories)
            offer_id = uuid7()
            state = rng.choice(STATES)
            offered = Decimal(rng.randint(1000, 900000))
            offer_rows.append(
                {
                    "id": offer_id,
                    "organization_id": rng.choice(organizations)["id"],
                    "category": top,
                    "subcategory_code": sub,
                    "title": f"{sub}资源{rng.randint(1, 10**6)}",
                    "description": GENERATED,
                    "tags": [],
                    "state": state,
                    "published_at": now - timedelta(minutes=rng.randint(1, 10**6))
                    if state != "draft"
                    else None,
                    "valid_from": today,
                    "valid_until": today + timedelta(days=200),
                    "capacity": 3,
                    "capacity_used": 0,
                    "amount": offered,
                    "contact_name": "",
                    "contact_phone": "",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            offer_lines.append(
                {
                    "id": uuid7(),
                    "offer_id": offer_id,
                    "position": 0,
                    "kind": "funds",
                    "item": "",
                    "unit": "元",
                    "offered": offered,
                    "committed": Decimal(0),
                }
            )
            served.append({"offer_id": offer_id, "region_code": rng.choice(counties + townships)})
        for rows, table in (
            (offer_rows, Offer.__table__),
            (offer_lines, OfferLine.__table__),
            (served, offer_region),
        ):
            for chunk in _chunks(rows):
                await connection.execute(insert(table), chunk)
        for statement in refresh_statements():  # bulk rows pass no mapper event
            await connection.execute(statement)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            # what autovacuum would do soon after: the planner's statistics of the new rows
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE")
    await engine.dispose()
    print(f"generated {needs} needs and {offers} offers in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument(
        "--wipe",
        action="store_true",
        help="delete the needs and offers already there, real ones too",
    )
    parser.add_argument(
        "--counties",
        type=int,
        default=None,
        help="a synthetic province of this many counties instead of the real divisions",
    )
    arguments = parser.parse_args()
    asyncio.run(
        generate(
            arguments.needs, arguments.offers, wipe=arguments.wipe, counties=arguments.counties
        )
    )


if __name__ == "__main__":
    main()
