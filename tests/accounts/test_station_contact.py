"""A station's own workers keep its contact current, on their account page and through the
API; workers of other stations and everyone else may not (issue 11: stations and needs have
contact fields, editable by the station and admins)."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.factories import bearer, make_station, make_user, post_form, sign_in

YILE = "530628102000"
OTHER_TOWNSHIP = "530602001000"


async def _stations(session: AsyncSession) -> tuple[str, str]:
    own = await make_station(session, YILE)
    other = await make_station(session, OTHER_TOWNSHIP)
    await make_user(session, Role.STATION_WORKER, username="worker", station=own)
    await make_user(session, Role.STATION_WORKER, username="stranger", station=other)
    await make_user(session, Role.ADMIN, username="boss")
    return str(own.id), str(other.id)


async def test_a_worker_keeps_the_own_station_contact_on_the_account_page(
    client: AsyncClient, session: AsyncSession
) -> None:
    own_id, _other = await _stations(session)
    await sign_in(client, "worker")
    assert (await client.get("/account")).text.count("/account/station") == 1
    saved = await post_form(
        client,
        "/account/station",
        {"contact_name": "李社工", "contact_phone": "13912345678"},
        token_page="/account/station",
    )
    assert saved.status_code in (302, 303), saved.text  # type: ignore[attr-defined]
    admin = await bearer(client, "boss")
    station = (await client.get(f"/api/v1/stations/{own_id}", headers=admin)).json()
    assert (station["contact_name"], station["contact_phone"]) == ("李社工", "13912345678")


async def test_a_bad_phone_is_refused_and_changes_nothing(
    client: AsyncClient, session: AsyncSession
) -> None:
    own_id, _other = await _stations(session)
    worker = await bearer(client, "worker")
    refused = await client.put(
        f"/api/v1/stations/{own_id}/contact",
        json={"contact_name": "李社工", "contact_phone": "not a phone"},
        headers=worker,
    )
    assert refused.status_code == 400
    assert [problem["field"] for problem in refused.json()["errors"]] == ["contact_phone"]
    station = (await client.get(f"/api/v1/stations/{own_id}", headers=worker)).json()
    assert station["contact_name"] != "李社工"


async def test_only_the_station_and_admins_change_its_contact(
    client: AsyncClient, session: AsyncSession
) -> None:
    own_id, _other = await _stations(session)
    body = {"contact_name": "王站长", "contact_phone": "0870-2222222"}
    stranger = await bearer(client, "stranger")
    refused = await client.put(f"/api/v1/stations/{own_id}/contact", json=body, headers=stranger)
    assert refused.status_code == 403
    anonymous = await client.put(f"/api/v1/stations/{own_id}/contact", json=body)
    assert anonymous.status_code == 401
    worker = await bearer(client, "worker")
    mine = await client.put(f"/api/v1/stations/{own_id}/contact", json=body, headers=worker)
    assert (mine.status_code, mine.json()["contact_name"]) == (200, "王站长")
    admin = await bearer(client, "boss")
    again = {**body, "contact_name": "赵主任"}
    by_admin = await client.put(f"/api/v1/stations/{own_id}/contact", json=again, headers=admin)
    assert (by_admin.status_code, by_admin.json()["contact_name"]) == (200, "赵主任")
