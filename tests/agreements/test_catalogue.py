"""A need whose every line is committed leaves the open catalogue and the search index; when
its agreement is terminated and the amounts released, it comes back."""

from __future__ import annotations

from httpx import AsyncClient
from litestar import Litestar

from tests.agreements.flow import accepted, signed, step
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.parties import Parties

TITLE_WORD = "托管"


async def drained(app: Litestar) -> None:
    """The outbox drained and the app's memory of public answers forgotten, as a visitor a
    few seconds later would see."""
    await app.state.search.indexer.drain()
    memory = app.state.public_memory
    for answers in (memory.searches, memory.pages, memory.totals):
        answers.forget()


async def listed(client: AsyncClient) -> list[str]:
    """The open catalogue and the search answers, as an anonymous visitor sees them."""
    catalogue = await client.get("/api/v1/needs")
    search = await client.get("/api/v1/search", params={"q": TITLE_WORD, "kind": "need"})
    assert catalogue.status_code == search.status_code == 200
    return [item["id"] for item in catalogue.json()["items"]] + [
        item["entry_id"] for item in search.json()["items"]
    ]


async def test_a_fully_committed_need_leaves_catalogue_and_index_until_released(
    app: Litestar, parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish(
        "needs", need_body(clock, lines=[{"kind": "person_days", "amount": "40", "item": "志愿者"}])
    )
    offer = await parties.publish("offers", offer_body(clock))
    await drained(app)
    assert await listed(parties.client) == [need["id"], need["id"]]

    agreement = await signed(parties, await accepted(parties, need, offer))
    await drained(app)
    assert await listed(parties.client) == []
    own = await parties.client.get("/api/v1/needs?mine=true", headers=parties.headers["worker"])
    assert [item["id"] for item in own.json()["items"]] == [need["id"]], "still the station's"

    ended = await step(parties, "rev", agreement, "terminate", reason="组织无法履约")
    assert ended.status_code == 200, ended.text
    await drained(app)
    assert await listed(parties.client) == [need["id"], need["id"]]


async def test_a_need_partly_committed_stays_open(
    app: Litestar, parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    await signed(parties, await accepted(parties, need, offer))
    await drained(app)
    assert await listed(parties.client) == [need["id"], need["id"]], "its funds are still sought"
