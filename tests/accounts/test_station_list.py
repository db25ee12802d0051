"""``GET /api/v1/stations`` follows the list contract: ``page`` and ``page_size`` are honoured
and the answer is ``{"items", "total", "page", "page_size"}``, in township-code order."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_station

TOWNSHIPS = ["530602001000", "530627106000", "530628102000"]


async def test_stations_answer_pages_of_the_asked_size(
    client: AsyncClient, session: AsyncSession
) -> None:
    for code in TOWNSHIPS:
        await make_station(session, code)
    first = await client.get("/api/v1/stations", params={"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [station["township_code"] for station in body["items"]] == TOWNSHIPS[:2]
    second = (await client.get("/api/v1/stations", params={"page_size": 2, "page": 2})).json()
    assert [station["township_code"] for station in second["items"]] == TOWNSHIPS[2:]
    assert (second["total"], second["page"]) == (3, 2)


async def test_a_page_size_over_a_hundred_is_refused_in_the_envelope(client: AsyncClient) -> None:
    refused = await client.get("/api/v1/stations", params={"page_size": 101})
    assert refused.status_code == 400
    body = refused.json()
    assert (body["code"], body["message"]) == ("invalid_input", "请求无效。")
    assert [error["field"] for error in body["errors"]] == ["page_size"]
