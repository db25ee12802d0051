"""Reading the to-do lists and alerts through the API, as each party sees them."""

from __future__ import annotations

from typing import Any

from tests.matching.parties import Parties


async def todo(parties: Parties, who: str) -> list[tuple[str, str]]:
    """The caller's to-do items as (kind, agreement number), checked against the counts."""
    answer = await parties.client.get("/api/v1/todo", headers=parties.headers[who])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["items"]) == sum(body["counts"].values())
    assert (body["page"], body["page_size"]) == (1, 20)
    return [(item["kind"], item["agreement"]["number"]) for item in body["items"]]


async def alerts(parties: Parties, who: str = "rev", **filters: str) -> list[dict[str, Any]]:
    answer = await parties.client.get(
        "/api/v1/alerts", params=filters, headers=parties.headers[who]
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def kinds(parties: Parties, who: str = "rev", **filters: str) -> list[str]:
    return [alert["kind"] for alert in await alerts(parties, who, **filters)]
