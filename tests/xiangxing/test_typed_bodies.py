"""A request body that does not fit its declared model is answered as before the bodies were
typed: a 400 in the error envelope, "some fields need correcting", every field at fault with its
own message in the caller's language, and nothing changed. Unknown fields are ignored, as they
always were; a body that is not JSON at all gets the envelope too."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from demand.models import Need
from supply.models import Offer
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)


async def _count(session: AsyncSession, model: type[Need] | type[Offer]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _member(client: AsyncClient, session: AsyncSession) -> dict[str, str]:
    organization = await make_organization(session)
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    return await bearer(client, "member")


async def test_a_wrong_type_names_the_field_in_chinese_and_creates_nothing(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    member = await _member(client, session)
    before = await _count(session, Offer)
    refused = await client.post(
        "/api/v1/offers", json=offer_body(clock, title=5, capacity="many"), headers=member
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "status_code": 400,
        "code": "invalid_input",
        "message": "部分内容需要修改。",
        "errors": [
            {"field": "title", "code": "string_type", "message": "该值无效。"},
            {"field": "capacity", "code": "int_parsing", "message": "请输入整数。"},
        ],
    }
    assert await _count(session, Offer) == before


async def test_a_missing_field_is_named_in_the_callers_language(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    worker = await bearer(client, "worker")
    body = need_body(clock)
    del body["title"]
    refused = await client.post("/api/v1/needs", json=body, headers=worker)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "title", "code": "missing", "message": "此项为必填项。"}
    ]
    client.cookies.set("lang", "en")
    english = await client.post("/api/v1/needs", json=body, headers=worker)
    assert english.json()["message"] == "Some fields need correcting."
    assert english.json()["errors"][0]["message"] == "This field is required."
    assert await _count(session, Need) == 0


async def test_nested_fields_are_named_by_their_path(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    member = await _member(client, session)
    lines = [{"kind": "funds", "amount": "1e5"}]
    refused = await client.post(
        "/api/v1/offers", json=offer_body(clock, lines=lines), headers=member
    )
    assert refused.status_code == 400
    [problem] = refused.json()["errors"]
    assert (problem["field"], problem["code"]) == ("lines.0.amount", "value_error")
    assert "科学计数法" in problem["message"]


async def test_unknown_fields_are_ignored_as_before(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    member = await _member(client, session)
    created = await client.post(
        "/api/v1/offers", json=offer_body(clock, nickname="多余的字段"), headers=member
    )
    assert created.status_code == 201, created.text
    assert "nickname" not in created.json()


async def test_an_optional_body_may_be_left_out_but_not_mistyped(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    member = await _member(client, session)
    offer = (await client.post("/api/v1/offers", json=offer_body(clock), headers=member)).json()
    mistyped = await client.post(
        f"/api/v1/offers/{offer['id']}/submit", json={"version": "latest"}, headers=member
    )
    assert mistyped.status_code == 400
    assert [error["field"] for error in mistyped.json()["errors"]] == ["version"]
    submitted = await client.post(f"/api/v1/offers/{offer['id']}/submit", headers=member)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "submitted"


async def test_a_body_that_is_not_json_is_answered_in_the_envelope(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await _member(client, session)
    refused = await client.post(
        "/api/v1/offers",
        content=b'{"title": "unfinished',
        headers={**member, "content-type": "application/json"},
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "status_code": 400,
        "code": "malformed_json",
        "message": "请求内容不是有效的 JSON。",
    }
    assert await _count(session, Offer) == 0
