"""How long a 5,000-row needs import takes on the configured database, through the same code
the API uses (read the workbook, check every row, create every draft through the service).

Everything happens inside one transaction that is rolled back at the end, so the database is
left as it was (the schema is brought up to date first).

    uv run python benchmarks/import_5000.py                       # SQLite in var/
    XIANGXING_DATABASE_URL=postgresql+asyncpg://… uv run python benchmarks/import_5000.py
"""

from __future__ import annotations

import argparse
import asyncio
import io
import time
from datetime import timedelta

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role, Station, User
from core.clock import local_date, utc_now
from core.database import create_engine
from core.settings import get_settings
from listings.importing import ImportPlan, keyed_rows, read_rows
from listings.sheet import NEED_COLUMNS, SheetKind
from xiangxing.setup import upgrade_database

YILE = "530627106000"
VILLAGES = ["以勒村", "以堡村", "毛坝村", "木城村", "火草村", "大山村", "庙埂村"]


def workbook(rows: int, title: str = "基准测试需求") -> bytes:
    deadline = (local_date(utc_now()) + timedelta(days=90)).isoformat()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("需求清单")
    sheet.append([column.header for column in NEED_COLUMNS])
    values = {
        "类别": "特殊困难群体",
        "子类别": "留守儿童",
        "描述": "暑期看护和课业辅导",
        "受益人数": 30,
        "受益群体": "留守儿童",
        "紧急程度": "黄",
        "截止日期": deadline,
        "需求1类型": "资金",
        "需求1数量": 5000,
        "需求2类型": "物资",
        "需求2数量": 30,
        "需求2物品": "书包",
        "需求2单位": "个",
        "标签": "暑期",
        "来源渠道": "社工站",
    }
    for n in range(rows):
        values["标题"] = f"{title}{n:05d}"
        values["地点"] = f"镇雄县/以勒镇/{VILLAGES[n % len(VILLAGES)]}"
        sheet.append([values.get(column.header) for column in NEED_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def worker(session: AsyncSession) -> Identity:
    station = await session.scalar(select(Station).where(Station.township_code == YILE))
    if station is None:
        station = Station(township_code=YILE, name="以勒镇社工站（基准测试）")
        session.add(station)
        await session.flush()
    user = User(
        username=f"bench-import-{time.time_ns()}",
        display_name="基准测试",
        password_hash="!",  # noqa: S106 - never signs in
        roles=[Role.STATION_WORKER.value],
        station_id=station.id,
    )
    session.add(user)
    await session.flush()
    await session.refresh(user, ["station"])
    return Identity.of(user)


async def main(rows: int) -> None:
    settings = get_settings()
    engine = create_engine(settings)
    await upgrade_database(engine)
    content = workbook(rows)
    backend = settings.resolved_database_url.split("://")[0]
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, expire_on_commit=False)
        identity = await worker(session)
        started = time.perf_counter()
        parsed = keyed_rows(SheetKind.NEEDS, read_rows("bench.xlsx", content))
        read = time.perf_counter()
        plan = await ImportPlan.of(session, utc_now, SheetKind.NEEDS, identity)
        await plan.check_duplicates(await plan.check(parsed))
        checked = time.perf_counter()
        created = await plan.store(identity.actor(None), "bench.xlsx")
        stored = time.perf_counter()
        await session.close()
        await transaction.rollback()
    await engine.dispose()
    print(
        f"{backend}: {len(created)} needs from a {len(content) / 2**20:.1f} MB workbook in "
        f"{stored - started:.2f} s (read {read - started:.2f} s, check {checked - read:.2f} s, "
        f"store {stored - checked:.2f} s); rolled back"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    asyncio.run(main(parser.parse_args().rows))
