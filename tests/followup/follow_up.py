"""Reading the to-do lists and alerts through the API, as each party sees them."""

from __future__ import annotations

from collections import Counter
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
    """The alerts listed, checked against the counts per kind the database makes of the same
    rules (the header's and the dashboard's figures)."""
    answer = await parties.client.get(
        "/api/v1/alerts", params=filters, headers=parties.headers[who]
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    listed = Counter(alert["kind"] for alert in body["items"])
    assert body["counts"] == {kind: listed.get(kind, 0) for kind in body["counts"]}
    assert body["total"] == sum(body["counts"].values())
    return body["items"]


async def kinds(parties: Parties, who: str = "rev", **filters: str) -> list[str]:
    return [alert["kind"] for alert in await alerts(parties, who, **filters)]
