"""What the recipient confirmed flows back to the need and offer lines (已交付): after a
confirmation, not after a dispute, undone by reversing the confirmation, shown by the offer
and need API and pages, and a need delivered in full reads completed."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.agreements.flow import accepted, signed
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.funds.flow import Books
from tests.matching.parties import Parties

MONEY_AND_TIME = [
    {"kind": "funds", "amount": "20000"},
    {"kind": "person_days", "amount": "200", "item": "志愿者服务"},
]


NOTHING = {"need": ["0.00", "0.00"], "offer": ["0.00", "0.00"]}


@pytest.fixture
async def paired(parties: Parties, clock: FakeClock) -> dict[str, Any]:
    """A need of 30,000 元 and 40 人天 signed with an offer of 20,000 元 and 200 人天."""
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock, lines=MONEY_AND_TIME))
    agreement = await signed(parties, await accepted(parties, need, offer))
    return {"need": need, "offer": offer, "agreement": agreement}


async def delivered(client: AsyncClient, paired: dict[str, Any]) -> dict[str, list[str]]:
    """The delivered figures of the need's and the offer's lines, read through the API."""
    figures = {}
    for kind in ("need", "offer"):
        answer = await client.get(f"/api/v1/{kind}s/{paired[kind]['id']}")
        assert answer.status_code == 200, answer.text
        figures[kind] = [line["delivered"] for line in answer.json()["lines"]]
    return figures


async def test_a_confirmed_disbursement_is_delivered_on_both_sides(
    parties: Parties, paired: dict[str, Any]
) -> None:
    books = Books(parties, paired["agreement"])
    await books.add("rev", "commitment", amount="20000")
    money = await books.add("member", "disbursement", amount="12000")
    time = await books.add(
        "member", "disbursement", amount="1500", quantity="15", unit="人天", note="第一期支教"
    )

    before = await delivered(parties.client, paired)
    assert before == NOTHING, "nothing is delivered before the recipient confirms"

    await books.add("worker", "receipt_confirmation", confirms_id=money["id"])
    await books.add("worker", "receipt_confirmation", confirms_id=time["id"])

    assert await delivered(parties.client, paired) == {
        "need": ["12000.00", "15.00"],
        "offer": ["12000.00", "15.00"],
    }


async def test_a_dispute_delivers_nothing_and_a_reversed_confirmation_takes_it_back(
    parties: Parties, paired: dict[str, Any]
) -> None:
    books = Books(parties, paired["agreement"])
    await books.add("rev", "commitment", amount="20000")
    first = await books.add("member", "disbursement", amount="8000")
    second = await books.add("member", "disbursement", amount="5000")
    confirmed = await books.add("worker", "receipt_confirmation", confirms_id=first["id"])
    await books.add("worker", "receipt_dispute", confirms_id=second["id"], note="未到账")

    assert (await delivered(parties.client, paired))["need"] == ["8000.00", "0.00"]

    await books.add("worker", "reversal", reverses_id=confirmed["id"], note="误点确认")
    assert await delivered(parties.client, paired) == NOTHING

    await books.add("worker", "receipt_confirmation", confirms_id=second["id"])
    assert (await delivered(parties.client, paired))["offer"] == ["5000.00", "0.00"]


async def test_lines_fill_in_order_each_up_to_its_amount(
    parties: Parties, paired: dict[str, Any]
) -> None:
    """More time confirmed than the agreement line holds is delivered beyond it: the need line
    shows what the agreement covered of it, never more."""
    books = Books(parties, paired["agreement"])
    await books.add("rev", "commitment", amount="5500")
    time = await books.add(
        "member", "disbursement", amount="5500", quantity="55", unit="人天", note="全部支教"
    )
    await books.add("worker", "receipt_confirmation", confirms_id=time["id"])

    figures = await delivered(parties.client, paired)
    assert figures["need"][1] == "40.00"
    assert figures["offer"][1] == "40.00"


async def test_the_pages_show_what_was_delivered(
    parties: Parties, paired: dict[str, Any], client: AsyncClient
) -> None:
    books = Books(parties, paired["agreement"])
    await books.funded(committed="20000", disbursed="12345.67")

    for kind in ("needs", "offers"):
        page = await client.get(f"/catalogue/{kind}/{paired[kind[:-1]]['id']}")
        assert page.status_code == 200
        assert "已交付" in page.text
        assert "12,345.67" in page.text or "12345.67" in page.text


async def test_a_need_whose_every_line_is_delivered_reads_completed(
    parties: Parties, clock: FakeClock
) -> None:
    """The pairing commits the need's only line (40 人天) in full."""
    time_only = [{"kind": "person_days", "amount": "40", "item": "大学生志愿者"}]
    need = await parties.publish("needs", need_body(clock, lines=time_only))
    offer = await parties.publish("offers", offer_body(clock))
    books = Books(parties, await signed(parties, await accepted(parties, need, offer)))
    await books.add("rev", "commitment", amount="4000")
    half = await books.add("member", "disbursement", amount="2000", quantity="20", unit="人天")
    rest = await books.add("member", "disbursement", amount="2000", quantity="20", unit="人天")
    need_url = f"/api/v1/needs/{need['id']}"

    await books.add("worker", "receipt_confirmation", confirms_id=half["id"])
    assert (await parties.client.get(need_url)).json()["progress"] == "fully_committed"

    await books.add("worker", "receipt_confirmation", confirms_id=rest["id"])
    assert (await parties.client.get(need_url)).json()["progress"] == "completed"
