"""The open catalogue's 'still sought' condition, written as one lookup per need, keeps exactly
the needs the plain statement keeps: no line at all, or some line short of what it seeks."""

from __future__ import annotations

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import delete, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from demand.models import Need, NeedLine
from demand.policy import need_still_sought
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body

YILE = "530627106000"


async def test_still_sought_keeps_what_the_plain_statement_keeps(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    worker = await bearer(client, "worker")
    ids = []
    for index in range(5):
        made = await client.post(
            "/api/v1/needs", json=need_body(clock, title=f"需求{index}号"), headers=worker
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    needs = list(await session.scalars(select(Need).where(Need.title.like("需求%号"))))
    by_title = {need.title: need for need in needs}
    lines = {title: need.lines for title, need in by_title.items()}
    for line in lines["需求1号"]:
        line.committed = line.sought
    for line in lines["需求2号"]:
        line.committed = line.sought - Decimal(1)
    for line in lines["需求3号"]:
        line.committed = line.sought + Decimal(1)
    await session.flush()
    await session.execute(delete(NeedLine).where(NeedLine.need_id == by_title["需求4号"].id))
    session.expire_all()

    plain = or_(not_(Need.lines.any()), Need.lines.any(NeedLine.committed < NeedLine.sought))
    mine = Need.title.like("需求%号")
    expected = set(await session.scalars(select(Need.title).where(mine, plain)))
    found = set(await session.scalars(select(Need.title).where(mine, need_still_sought())))
    assert found == expected == {"需求0号", "需求2号", "需求4号"}
