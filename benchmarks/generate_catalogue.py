"""Fill a database with a large catalogue for benchmarks: N needs and M offers on the real
divisions, mostly published, one to three lines each. Bulk inserts, no services: this measures
reading, not writing.

    uv run python benchmarks/generate_catalogue.py --needs 100000 --offers 20000

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


async def generate(needs: int, offers: int, *, wipe: bool = False, seed: int = 7) -> None:
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
        ):
            await connection.execute(delete(table))
        regions = (
            await connection.execute(select(Region.code, Region.level, Region.parent_code))
        ).all()
        townships = [r.code for r in regions if r.level is RegionLevel.TOWNSHIP]
        villages = [(r.code, r.parent_code) for r in regions if r.level is RegionLevel.VILLAGE]
        counties = [r.code for r in regions if r.level is RegionLevel.COUNTY]
        subcategories = (
            await connection.execute(
                select(Category.code, Category.parent_code).where(Category.parent_code.is_not(None))
            )
        ).all()
        stations = dict((await connection.execute(select(Station.township_code, Station.id))).all())
        for township in townships:
            if township not in stations:
                stations[township] = uuid7()
                await connection.execute(
                    insert(Station.__table__).values(
                        id=stations[township],
                        township_code=township,
                        name="基准社工站",
                        contact_name="",
                        contact_phone="",
                        created_at=datetime.now(UTC),
                        updated_at=datetime.now(UTC),
                    )
                )
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
    arguments = parser.parse_args()
    asyncio.run(generate(arguments.needs, arguments.offers, wipe=arguments.wipe))


if __name__ == "__main__":
    main()
