"""The API's list of proposals answers for each proposal exactly what the proposal's own
endpoint answers, to each party, in every state; paging, the state filter and who sees what
are those of the list."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.parties import Parties

PARTIES = ("worker", "member", "reviewer")
GOODS_AND_FUNDS = [
    {"kind": "person_days", "amount": "200", "item": "志愿者服务"},
    {"kind": "funds", "amount": "5000.00"},
]


@pytest.fixture
async def in_every_state(parties: Parties, clock: FakeClock) -> dict[str, dict[str, Any]]:
    """One proposal of each state between one need and four offers of one organization, the
    open one with two lines (funds and time), oldest first: expired, accepted, declined,
    proposed."""
    need = await parties.publish("needs", need_body(clock))
    offers = [
        await parties.publish("offers", offer_body(clock, title=f"第{number}批志愿者", **extra))
        for number, extra in enumerate(({}, {}, {}, {"lines": GOODS_AND_FUNDS}))
    ]

    async def proposed(who: str, offer: dict[str, Any], **extra: Any) -> dict[str, Any]:
        answer = await parties.propose(who, need, offer, **extra)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    expired = await proposed("member", offers[0])
    clock.advance(days=15)
    days = next(line["id"] for line in need["lines"] if line["kind"] == "person_days")
    some = {"amounts": {days: "10"}, "message": "暑假可以派 10 名志愿者"}
    accepted = await proposed("member", offers[1], **some)
    assert (await parties.step("worker", accepted, "accept")).status_code == 200
    clock.advance(minutes=1)
    declined = await proposed("worker", offers[2])
    assert (await parties.step("member", declined, "decline", reason="人手已满")).status_code == 200
    clock.advance(minutes=1)
    open_one = await proposed("reviewer", offers[3])
    assert len(open_one["lines"]) == 2
    return {"expired": expired, "accepted": accepted, "declined": declined, "proposed": open_one}


async def _listed(client: AsyncClient, headers: dict[str, str], query: str = "") -> Any:
    answer = await client.get(f"/api/v1/proposals{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_list_answers_what_each_proposal_answers_to_each_party(
    parties: Parties, in_every_state: dict[str, dict[str, Any]]
) -> None:
    newest_first = [in_every_state[state]["id"] for state in reversed(list(in_every_state))]
    for who in PARTIES:
        headers = parties.headers[who]
        listed = await _listed(parties.client, headers)
        assert [item["id"] for item in listed["items"]] == newest_first, who
        assert listed["total"] == 4
        for item in listed["items"]:
            alone = await parties.client.get(f"/api/v1/proposals/{item['id']}", headers=headers)
            assert item == alone.json(), f"{who}: {item['state']}"
    reviewer_sees = {item["state"]: item for item in listed["items"]}
    assert set(reviewer_sees) == {"expired", "accepted", "declined", "proposed"}
    assert reviewer_sees["proposed"]["awaiting"] == ["offer", "need"]
    assert [line["kind"] for line in reviewer_sees["proposed"]["lines"]] == [
        "funds",
        "person_days",
    ], "in the order of the need's lines"


async def test_no_one_else_sees_them(
    parties: Parties, in_every_state: dict[str, dict[str, Any]]
) -> None:
    for outsider in ("stranger", "outsider"):
        listed = await _listed(parties.client, parties.headers[outsider])
        assert (listed["items"], listed["total"]) == ([], 0), outsider
    assert (await parties.client.get("/api/v1/proposals")).status_code == 401


async def test_pages_and_the_state_filter(
    parties: Parties, in_every_state: dict[str, dict[str, Any]]
) -> None:
    headers = parties.headers["member"]
    for state, proposal in in_every_state.items():
        listed = await _listed(parties.client, headers, f"?state={state}")
        assert [item["id"] for item in listed["items"]] == [proposal["id"]], state
        assert listed["items"][0]["state"] == state
    everything = (await _listed(parties.client, headers))["items"]
    pages = [await _listed(parties.client, headers, f"?page={n}&page_size=3") for n in (1, 2)]
    assert [page["total"] for page in pages] == [4, 4]
    assert pages[0]["items"] + pages[1]["items"] == everything
    beyond = await _listed(parties.client, headers, "?page=3&page_size=3")
    assert beyond["items"] == []
