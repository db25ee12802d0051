"""Proposals through the API: who proposes and answers, the state machine and its guards,
expiry, the open-proposal limit, and commitments that never exceed what is left."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.audit import AuditEntry
from core.database import build_db_config
from core.settings import Settings
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import (
    need_body,
    offer_body,
)
from tests.matching.parties import Parties, parties_at, people
from xiangxing.app import create_app


async def test_the_organization_proposes_and_the_station_accepts(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession
) -> None:
    need, offer = pair
    proposed = await parties.propose("member", need, offer, message="暑假可以派 10 名志愿者")
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert (proposal["state"], proposal["proposed_by"]) == ("proposed", "offer")
    assert (proposal["agreed"], proposal["awaiting"]) == (["offer"], ["need"])
    assert proposal["steps"] == ["withdraw"]
    assert [(line["kind"], line["amount"]) for line in proposal["lines"]] == [
        ("person_days", "40.00")
    ], "as much as the need lacks of what the offer has"
    assert set(proposal["breakdown"]) >= {"category", "geography", "fairness"}
    assert 0 < proposal["score"] <= 1

    seen = await parties.client.get(
        f"/api/v1/proposals/{proposal['id']}", headers=parties.headers["worker"]
    )
    assert seen.json()["steps"] == ["accept", "decline"]
    assert (await parties.step("member", proposal, "accept")).status_code == 403
    accepted = await parties.step("worker", proposal, "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"

    need_after = (await parties.client.get(f"/api/v1/needs/{need['id']}")).json()
    time_line = next(line for line in need_after["lines"] if line["kind"] == "person_days")
    assert Decimal(time_line["committed"]) == 40
    offer_after = (await parties.client.get(f"/api/v1/offers/{offer['id']}")).json()
    assert Decimal(offer_after["lines"][0]["committed"]) == 40
    assert offer_after["remaining_capacity"] == offer["remaining_capacity"] - 1
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"proposal.proposed", "proposal.accepted"} <= actions
    assert (await parties.step("worker", proposal, "decline", reason="x")).status_code == 409


async def test_decline_needs_a_reason_and_withdraw_is_the_proposers(
    parties: Parties, pair: tuple[dict, dict], clock: FakeClock
) -> None:
    need, offer = pair
    proposal = (await parties.propose("worker", need, offer)).json()
    assert proposal["proposed_by"] == "need"
    refused = await parties.step("member", proposal, "decline")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    assert (await parties.step("member", proposal, "withdraw")).status_code == 403
    declined = await parties.step("member", proposal, "decline", reason="暑期人手已满")
    assert (declined.json()["state"], declined.json()["answer_reason"]) == (
        "declined",
        "暑期人手已满",
    )

    again = await parties.propose("member", need, offer)
    assert again.status_code == 409, "a declined pair stays declined"
    assert again.json()["code"] == "declined_before"
    assert "暑期人手已满" in again.json()["message"], "the proposer sees why"
    other = await parties.publish("offers", offer_body(clock, title="另一批志愿者"))
    mine = (await parties.propose("member", need, other)).json()
    withdrawn = await parties.step("member", mine, "withdraw", reason="改期")
    assert withdrawn.json()["state"] == "withdrawn"


async def test_only_parties_and_reviewers_act(parties: Parties, pair: tuple[dict, dict]) -> None:
    need, offer = pair
    for stranger in ("stranger", "outsider"):
        assert (await parties.propose(stranger, need, offer)).status_code == 403
    proposal = (await parties.propose("reviewer", need, offer)).json()
    assert proposal["proposed_by"] == "reviewer"
    for stranger in ("stranger", "outsider"):
        assert (await parties.step(stranger, proposal, "accept")).status_code == 403
        seen = await parties.client.get(
            f"/api/v1/proposals/{proposal['id']}", headers=parties.headers[stranger]
        )
        assert seen.status_code == 404
    assert (await parties.client.get("/api/v1/proposals")).status_code == 401
    mine = await parties.client.get("/api/v1/proposals", headers=parties.headers["member"])
    assert [item["id"] for item in mine.json()["items"]] == [proposal["id"]]
    theirs = await parties.client.get("/api/v1/proposals", headers=parties.headers["outsider"])
    assert theirs.json()["total"] == 0


async def test_unanswered_proposals_expire_after_14_days(
    parties: Parties, pair: tuple[dict, dict], clock: FakeClock
) -> None:
    need, offer = pair
    proposal = (await parties.propose("member", need, offer)).json()
    clock.advance(days=13)
    still = await parties.client.get(
        f"/api/v1/proposals/{proposal['id']}", headers=parties.headers["worker"]
    )
    assert still.json()["state"] == "proposed"
    clock.advance(days=2)
    expired = await parties.client.get(
        f"/api/v1/proposals/{proposal['id']}", headers=parties.headers["worker"]
    )
    assert (expired.json()["state"], expired.json()["steps"]) == ("expired", [])
    assert (await parties.step("worker", proposal, "accept")).status_code == 409
    assert (await parties.propose("member", need, offer)).status_code == 201, "may try again"


async def test_an_organization_holds_at_most_ten_open_proposals(
    parties: Parties, clock: FakeClock
) -> None:
    offer = await parties.publish("offers", offer_body(clock, capacity=20))
    needs = [
        await parties.publish("needs", need_body(clock, title=f"第{n}个需求")) for n in range(11)
    ]
    answers = [await parties.propose("member", need, offer) for need in needs]
    assert [answer.status_code for answer in answers[:10]] == [201] * 10
    assert answers[10].status_code == 409
    assert answers[10].json()["code"] == "too_many_open_proposals"
    await parties.step("worker", answers[0].json(), "decline", reason="不需要了")
    assert (await parties.propose("member", needs[10], offer)).status_code == 201


async def test_partial_amounts_and_bad_input(
    parties: Parties, pair: tuple[dict, dict], clock: FakeClock
) -> None:
    need, offer = pair
    time_line = next(line for line in need["lines"] if line["kind"] == "person_days")
    too_much = await parties.propose("member", need, offer, amounts={time_line["id"]: "41"})
    assert too_much.status_code == 400
    negative = await parties.propose("member", need, offer, amounts={time_line["id"]: "-1"})
    assert negative.status_code == 400
    partial = await parties.propose("member", need, offer, amounts={time_line["id"]: "15.5"})
    assert partial.status_code == 201
    assert partial.json()["lines"][0]["amount"] == "15.50"
    assert (await parties.propose("member", need, offer)).status_code == 409, "one open at a time"
    await parties.step("worker", partial.json(), "accept")
    assert (await parties.propose("member", need, offer)).status_code == 409, "already paired"
    other = await parties.publish("offers", offer_body(clock, title="另一批志愿者"))
    rest = await parties.propose("member", need, other)
    assert rest.json()["lines"][0]["amount"] == "24.50", "the rest of what is lacking"
    bad = await parties.client.post(
        "/api/v1/proposals", json={"need_id": "x"}, headers=parties.headers["member"]
    )
    assert bad.status_code == 400


async def test_only_published_entries_of_one_category_pair(
    parties: Parties, clock: FakeClock
) -> None:
    need = await parties.publish("needs", need_body(clock))
    draft = (
        await parties.client.post(
            "/api/v1/offers", json=offer_body(clock), headers=parties.headers["member"]
        )
    ).json()
    answer = await parties.propose("member", need, draft)
    assert answer.status_code == 400
    assert {p["field"] for p in answer.json()["errors"]} == {"offer_id"}
    industry = await parties.publish(
        "offers", offer_body(clock, category="industry", subcategory="ecommerce")
    )
    assert (await parties.propose("member", need, industry)).status_code == 400


@pytest.fixture
async def committed_client(
    engine: AsyncEngine, test_settings: Settings, tmp_path: Any, clock: FakeClock
) -> AsyncIterator[AsyncClient]:
    """An app whose requests really commit (no test transaction), on PostgreSQL only; every
    row it made is deleted afterwards."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent accepts race on row locks: a PostgreSQL test")
    settings = test_settings.model_copy(update={"var_dir": tmp_path})
    app = create_app(settings, db_config=build_db_config(settings, engine=engine), clock=clock)
    try:
        async with serve(app) as client:
            yield client
    finally:
        async with engine.begin() as connection:
            for table in [
                "proposal_line",
                "proposal",
                "plan_pair",
                "signing_event",
                "need_line",
                "need_photo",
                "need",
                "offer_line",
                "offer_region",
                "offer",
                "entry_event",
                "audit_entry",
                "api_token",
                "login_session",
                "user_account",
                "station",
                "organization_region",
                "organization",
                "department",
                "search_outbox",
                "search_expiry_sweep",
            ]:
                await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608


async def test_concurrent_accepts_never_over_commit(
    committed_client: AsyncClient, engine: AsyncEngine, clock: FakeClock
) -> None:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await people(session)
        await session.commit()
    parties = await parties_at(committed_client)
    offer = await parties.publish(
        "offers",
        offer_body(clock, lines=[{"kind": "person_days", "amount": "50", "item": "志愿者"}]),
    )
    needs = [await parties.publish("needs", need_body(clock, title=f"需求{n}")) for n in range(2)]
    proposals = [(await parties.propose("member", need, offer)).json() for need in needs]
    assert [p["lines"][0]["amount"] for p in proposals] == ["40.00", "40.00"]
    answers = await asyncio.gather(
        *(parties.step("worker", proposal, "accept") for proposal in proposals)
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    async with AsyncSession(engine) as session:
        committed = await session.scalar(text("SELECT sum(committed) FROM offer_line"))
        accepted = await session.scalar(
            text("SELECT count(*) FROM proposal WHERE state = 'accepted'")
        )
    assert (committed, accepted) == (Decimal(40), 1)


async def test_concurrent_accepts_of_funds_for_goods_never_over_commit(
    committed_client: AsyncClient, engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two heater needs race for the same 30,000 元: one accept commits them, the other finds
    nothing left; neither need line moves for the loser."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await people(session)
        await session.commit()
    parties = await parties_at(committed_client)
    money = await parties.publish(
        "offers", offer_body(clock, lines=[{"kind": "funds", "amount": "30000"}])
    )
    heaters = {"kind": "purchase", "amount": "50", "unit": "台", "item": "电暖器", "value": "40000"}
    needs = [
        await parties.publish("needs", need_body(clock, title=f"取暖{n}", lines=[heaters]))
        for n in range(2)
    ]
    proposals = [(await parties.propose("member", need, money)).json() for need in needs]
    assert [p["lines"][0]["covers"] for p in proposals] == ["37.50", "37.50"]
    answers = await asyncio.gather(
        *(parties.step("worker", proposal, "accept") for proposal in proposals)
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    async with AsyncSession(engine) as session:
        offered = await session.scalar(text("SELECT sum(committed) FROM offer_line"))
        sought = await session.scalar(text("SELECT sum(committed) FROM need_line"))
    assert (offered, sought) == (Decimal(30000), Decimal("37.50"))
