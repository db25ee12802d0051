"""A bureau with two stations, an organization and a reviewer, acting through the events API:
the parties of the signing-event tests."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)
from tests.matching.planning import carry_out_queued

ZHENXIONG, ZHAOYANG, YILIANG = "530627000000", "530602000000", "530628000000"
YILE, YILE_VILLAGE = "530627106000", "530627106201"
FENGHUANG, FENGHUANG_VILLAGE = "530602001000", "530602001001"
CITY = "530600000000"


class Bureau:
    def __init__(
        self, client: AsyncClient, headers: dict[str, dict[str, str]], app: Litestar
    ) -> None:
        self.client, self.headers, self.app = client, headers, app

    async def publish(self, kind: str, owner: str, body: dict[str, Any]) -> dict[str, Any]:
        created = await self.client.post(f"/api/v1/{kind}", json=body, headers=self.headers[owner])
        assert created.status_code == 201, created.text
        entry_id = created.json()["id"]
        await self.client.post(f"/api/v1/{kind}/{entry_id}/submit", headers=self.headers[owner])
        approved = await self.client.post(
            f"/api/v1/{kind}/{entry_id}/approve", headers=self.headers["rev"]
        )
        return approved.json()

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self.client.request(
            method, f"/api/v1/events{path}", headers=self.headers["rev"], **kwargs
        )

    async def plan(self, event_id: str, **body: Any) -> dict[str, Any]:
        """Ask for a plan, let the job carry it out, and read the event with its plan."""
        queued = await self.call("POST", f"/{event_id}/plan", json=body or None)
        assert queued.status_code == 202, queued.text
        await carry_out_queued(self.app)
        run = await self.client.get(queued.headers["location"], headers=self.headers["rev"])
        assert run.json()["state"] == "done", run.text
        event: dict[str, Any] = (await self.call("GET", f"/{event_id}")).json()
        return event


@pytest.fixture
async def bureau(client: AsyncClient, session: AsyncSession, app: Litestar) -> Bureau:
    for name, township in (("zx_worker", YILE), ("zy_worker", FENGHUANG)):
        station = await make_station(session, township)
        await make_user(session, Role.STATION_WORKER, username=name, station=station)
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    names = ("zx_worker", "zy_worker", "member", "rev")
    return Bureau(client, {name: await bearer(client, name) for name in names}, app)


@pytest.fixture
async def catalogue(bureau: Bureau, clock: FakeClock) -> dict[str, dict[str, Any]]:
    """One need in 镇雄 and one in 昭阳; a city-wide offer and a 镇雄-only one, each able to
    take one need: covering both counties means the city-wide offer goes to 昭阳."""
    time_only = [{"kind": "person_days", "amount": "40", "item": "志愿者"}]
    return {
        "zx_need": await bureau.publish(
            "needs", "zx_worker", need_body(clock, region_code=YILE_VILLAGE, lines=time_only)
        ),
        "zy_need": await bureau.publish(
            "needs",
            "zy_worker",
            need_body(
                clock,
                region_code=FENGHUANG_VILLAGE,
                title="凤凰村留守儿童暑期托管",
                lines=time_only,
            ),
        ),
        "city_offer": await bureau.publish(
            "offers", "member", offer_body(clock, service_region_codes=[CITY], capacity=2)
        ),
        "zx_offer": await bureau.publish(
            "offers",
            "member",
            offer_body(
                clock, title="镇雄县暑期托管志愿服务", service_region_codes=[ZHENXIONG], capacity=1
            ),
        ),
    }


async def make_event(bureau: Bureau, counties: list[str]) -> dict[str, Any]:
    created = await bureau.call(
        "POST",
        "/",
        json={
            "name": "百社助千村签约活动",
            "held_on": "2026-07-01",
            "place": "昭通市",
            "county_codes": counties,
        },
    )
    assert created.status_code == 201, created.text
    return created.json()
