"""An offer of funds serving a need for goods or purchases: suggested at a lower capacity
score, proposed and accepted in yuan on the offer and as the share of the quantity the yuan buy
on the need, never more than either side has left."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.parties import Parties

HEATERS = {"kind": "purchase", "amount": "50", "unit": "台", "item": "电暖器", "value": "40000"}
"""50 heaters worth 40,000 元: 800 元 each."""
UNPRICED_HEATERS = {"kind": "goods", "amount": "50", "unit": "台", "item": "电暖器"}


def _funds_offer(clock: FakeClock, amount: str, title: str = "冬季助学助老资金") -> dict:
    return offer_body(clock, title=title, lines=[{"kind": "funds", "amount": amount}])


def _heaters_need(clock: FakeClock, line: dict) -> dict:
    return need_body(
        clock, title="以勒村留守儿童之家冬季取暖", description="需要电暖器。", lines=[line]
    )


async def _lines(parties: Parties, kind: str, entry: dict) -> list[dict[str, Any]]:
    found = await parties.client.get(
        f"/api/v1/{kind}/{entry['id']}", headers=parties.headers["reviewer"]
    )
    return found.json()["lines"]


async def test_a_funds_offer_is_suggested_for_a_goods_need_below_goods(
    parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", _heaters_need(clock, HEATERS))
    money = await parties.publish("offers", _funds_offer(clock, "40000"))
    heaters = await parties.publish(
        "offers",
        offer_body(
            clock,
            title="捐赠电暖器",
            lines=[{"kind": "purchase", "amount": "50", "unit": "台", "item": "电暖器"}],
        ),
    )
    answer = await parties.client.get(
        f"/api/v1/needs/{need['id']}/suggestions", headers=parties.headers["reviewer"]
    )
    assert answer.status_code == 200, answer.text
    capacity = {item["offer_id"]: item["breakdown"]["capacity"] for item in answer.json()["items"]}
    assert set(capacity) == {money["id"], heaters["id"]}
    assert 0 < capacity[money["id"]] < capacity[heaters["id"]] == 1


async def test_funds_commit_in_yuan_and_the_share_of_the_quantity_they_buy(
    parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", _heaters_need(clock, HEATERS))
    money = await parties.publish("offers", _funds_offer(clock, "30000"))
    proposed = await parties.propose("member", need, money)
    assert proposed.status_code == 201, proposed.text
    [line] = proposed.json()["lines"]
    assert (line["amount"], line["offer_unit"], line["covers"], line["unit"]) == (
        "30000.00",
        "元",
        "37.50",
        "台",
    ), "all the money, buying 37.5 of the 50 heaters at 800 元"
    accepted = await parties.step("worker", proposed.json(), "accept")
    assert accepted.status_code == 200, accepted.text
    [need_line] = await _lines(parties, "needs", need)
    [offer_line] = await _lines(parties, "offers", money)
    assert Decimal(need_line["committed"]) == Decimal("37.50")
    assert Decimal(offer_line["committed"]) == 30000

    more = await parties.publish("offers", _funds_offer(clock, "20000", title="第二笔取暖资金"))
    over = await parties.propose("member", need, more, amounts={need_line["id"]: "10000.01"})
    assert over.status_code == 400, "12.5 heaters left are worth 10,000 元"
    assert over.json()["errors"][0]["field"] == f"amounts.{need_line['id']}"
    rest = await parties.propose("member", need, more)
    assert [(x["amount"], x["covers"]) for x in rest.json()["lines"]] == [("10000.00", "12.50")]
    assert (await parties.step("worker", rest.json(), "accept")).status_code == 200
    [need_line] = await _lines(parties, "needs", need)
    assert Decimal(need_line["committed"]) == Decimal(need_line["sought"]) == 50
    [more_line] = await _lines(parties, "offers", more)
    assert Decimal(more_line["committed"]) == 10000


async def test_money_for_goods_without_a_value_is_a_stated_pledge(
    parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", _heaters_need(clock, UNPRICED_HEATERS))
    money = await parties.publish("offers", _funds_offer(clock, "30000"))
    [line] = need["lines"]
    unsaid = await parties.propose("member", need, money)
    assert unsaid.status_code == 400
    assert [(p["field"], p["code"]) for p in unsaid.json()["errors"]] == [
        (f"amounts.{line['id']}", "required")
    ]
    too_much = await parties.propose("member", need, money, amounts={line["id"]: "30000.01"})
    assert too_much.status_code == 400
    pledged = await parties.propose("member", need, money, amounts={line["id"]: "8000"})
    assert pledged.status_code == 201, pledged.text
    assert [(x["amount"], x["covers"]) for x in pledged.json()["lines"]] == [("8000.00", "0.00")]
    assert (await parties.step("worker", pledged.json(), "accept")).status_code == 200
    [need_line] = await _lines(parties, "needs", need)
    [offer_line] = await _lines(parties, "offers", money)
    assert (Decimal(need_line["committed"]), Decimal(offer_line["committed"])) == (0, 8000)


async def test_withdrawing_the_need_gives_back_both_sides_amounts(
    parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", _heaters_need(clock, HEATERS))
    money = await parties.publish("offers", _funds_offer(clock, "8000"))
    proposed = (await parties.propose("member", need, money)).json()
    assert (await parties.step("worker", proposed, "accept")).status_code == 200
    withdrawn = await parties.client.post(
        f"/api/v1/needs/{need['id']}/withdraw",
        json={"reason": "已由乡政府采购", "confirm": True},
        headers=parties.headers["worker"],
    )
    assert withdrawn.status_code == 200, withdrawn.text
    [need_line] = await _lines(parties, "needs", need)
    [offer_line] = await _lines(parties, "offers", money)
    assert (Decimal(need_line["committed"]), Decimal(offer_line["committed"])) == (0, 0)
