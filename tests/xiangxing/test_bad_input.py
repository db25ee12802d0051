"""Bad input never makes a 500: each malformed request of issue 10 (item 3) gets a 4xx in the
error envelope and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient, Response
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role
from demand.models import Need
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body

HUGE = "99999999999999999999"
BOUNDARY = "xxBOUNDARYxx"
MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def envelope(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["status_code"] == status
    assert body["code"]
    assert body["message"]
    return body


def multipart(name: str, value: bytes) -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
    return head.encode() + value + f"\r\n--{BOUNDARY}--\r\n".encode()


def api_lists(app: Litestar) -> list[str]:
    """Every GET route under /api without a path parameter: the lists and their kin."""
    return sorted(
        route.path
        for route in app.routes
        if isinstance(route, HTTPRoute)
        and route.path.startswith("/api/v1/")
        and "{" not in route.path
        and "GET" in route.methods
    )


async def test_a_page_number_beyond_any_list_is_a_400_on_every_list(
    app: Litestar, client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_user(session, Role.ADMIN)
    headers = await bearer(client, admin.username)
    paths = api_lists(app)
    assert len(paths) >= 10
    for path in paths:
        for who in ({}, headers):
            response = await client.get(path, params={"page": HUGE}, headers=who)
            assert response.status_code < 500, (path, response.text[:200])
    for path in ("/api/v1/offers", "/api/v1/needs", "/api/v1/regions", "/api/v1/proposals"):
        body = envelope(await client.get(path, params={"page": HUGE}, headers=headers), 400)
        assert body["errors"][0]["field"] == "page"
    assert (await client.get("/catalogue", params={"page": HUGE})).status_code == 400


async def test_json_nested_a_thousand_deep_is_a_400(client: AsyncClient) -> None:
    body = "[" * 1000 + "]" * 1000
    response = await client.post(
        "/api/v1/auth/token", content=body, headers={"content-type": "application/json"}
    )
    assert envelope(response, 400)["code"] == "unreadable_request"


@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_a_form_field_that_is_not_utf8_is_a_400_page(
    client: AsyncClient, session: AsyncSession, path: str
) -> None:
    before = await session.scalar(select(func.count()).select_from(Organization))
    response = await client.post(
        path, content=multipart("username", b"\xff\xfe\xfa"), headers=MULTIPART
    )
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert await session.scalar(select(func.count()).select_from(Organization)) == before


async def test_options_answers_every_route_without_an_error(
    app: Litestar, client: AsyncClient
) -> None:
    """Litestar answers OPTIONS before authentication; a role rule on the controller used to
    raise there."""
    paths = {
        route.path.replace("{", "").replace("}", "").split(":")[0]
        for route in app.routes
        if isinstance(route, HTTPRoute) and "{" not in route.path
    }
    for path in sorted(paths | {"/api/v1/users", "/admin/users", "/my/needs"}):
        response = await client.options(path)
        assert response.status_code == 204, (path, response.status_code)
        assert "GET" in response.headers["allow"] or "POST" in response.headers["allow"]


async def test_an_import_without_its_file_part_names_the_missing_field(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await make_user(session, Role.MEMBER)
    headers = {**await bearer(client, member.username), **MULTIPART}
    response = await client.post(
        "/api/v1/offers/import", content=multipart("other", b"x"), headers=headers
    )
    body = envelope(response, 400)
    assert "file" in body["errors"][0]["message"]


async def _worker(client: AsyncClient, session: AsyncSession) -> dict[str, str]:
    worker = await make_user(session, Role.STATION_WORKER, station=await make_station(session))
    return await bearer(client, worker.username)


def _with_funds(clock: FakeClock, amount: object) -> dict[str, object]:
    return need_body(clock, lines=[{"kind": "funds", "amount": amount}])


async def test_amounts_take_thousands_separators_and_refuse_exponents(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    headers = await _worker(client, session)
    accepted = await client.post(
        "/api/v1/needs", json=_with_funds(clock, "50,000"), headers=headers
    )
    assert accepted.status_code == 201, accepted.text
    assert Decimal(accepted.json()["lines"][0]["sought"]) == Decimal(50000)
    for exponent in ("1e9", "1E9", 1e20, "Infinity", "5,00"):
        refused = await client.post(
            "/api/v1/needs",
            json=_with_funds(clock, exponent) | {"title": f"以勒村水渠 {exponent}"},
            headers=headers,
        )
        body = envelope(refused, 400)
        assert "lines.0.amount" in body["errors"][0]["field"], body
    assert await session.scalar(select(func.count()).select_from(Need)) == 1
