"""The people of a pairing (a station worker, an organization member, reviewers, strangers),
with their bearer headers and the API calls they make."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.factories import bearer, make_organization, make_station, make_user

YILE = "530627106000"
OTHER_TOWNSHIP = "530602001000"


class Parties:
    """A station worker, an organization member and a reviewer, with bearer headers."""

    def __init__(self, client: AsyncClient, headers: dict[str, dict[str, str]]) -> None:
        self.client = client
        self.headers = headers

    async def publish(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        owner = self.headers["worker" if kind == "needs" else "member"]
        created = await self.client.post(f"/api/v1/{kind}", json=body, headers=owner)
        assert created.status_code == 201, created.text
        entry = created.json()
        await self.client.post(f"/api/v1/{kind}/{entry['id']}/submit", headers=owner)
        approved = await self.client.post(
            f"/api/v1/{kind}/{entry['id']}/approve", headers=self.headers["reviewer"]
        )
        assert approved.status_code == 200, approved.text
        return approved.json()

    async def propose(self, who: str, need: dict, offer: dict, **extra: Any) -> Any:
        return await self.client.post(
            "/api/v1/proposals",
            json={"need_id": need["id"], "offer_id": offer["id"], **extra},
            headers=self.headers[who],
        )

    async def step(self, who: str, proposal: dict, step: str, **body: Any) -> Any:
        return await self.client.post(
            f"/api/v1/proposals/{proposal['id']}/{step}", json=body, headers=self.headers[who]
        )


NAMES = ("worker", "member", "rev", "stranger", "outsider")


async def people(session: AsyncSession) -> None:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    other_station = await make_station(session, OTHER_TOWNSHIP)
    await make_user(session, Role.STATION_WORKER, username="stranger", station=other_station)
    await make_user(session, Role.MEMBER, username="outsider")


async def parties_at(client: AsyncClient) -> Parties:
    headers = {name: await bearer(client, name) for name in NAMES}
    headers["reviewer"] = headers["rev"]
    return Parties(client, headers)
