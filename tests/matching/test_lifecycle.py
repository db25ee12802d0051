"""Pairings follow their entries and organizations: withdrawing or closing an entry with
pairings asks for a reason and a confirmation, then cancels open proposals, releases accepted
amounts and leaves the other party a notice; suspending an organization ends its open
proposals."""

from __future__ import annotations

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role
from matching.models import Notice
from tests.conftest import FakeClock
from tests.factories import bearer, make_user, offer_body, post_form, sign_in
from tests.matching.parties import Parties


async def _entry(client: AsyncClient, kind: str, entry: dict) -> dict:
    return (await client.get(f"/api/v1/{kind}/{entry['id']}")).json()


async def _committed(client: AsyncClient, kind: str, entry: dict) -> Decimal:
    lines = (await _entry(client, kind, entry))["lines"]
    return sum((Decimal(line["committed"]) for line in lines), Decimal(0))


async def test_withdrawing_a_need_with_pairings_asks_then_ends_them(
    parties: Parties, pair: tuple[dict, dict], clock: FakeClock, session: AsyncSession
) -> None:
    need, offer = pair
    other = await parties.publish(
        "offers",
        offer_body(clock, title="暑期托管活动经费", lines=[{"kind": "funds", "amount": "10000"}]),
    )
    accepted = (await parties.propose("member", need, offer)).json()
    await parties.step("worker", accepted, "accept")
    waiting = await parties.propose("member", need, other)
    assert waiting.status_code == 201, waiting.text
    waiting = waiting.json()
    assert await _committed(parties.client, "offers", offer) == 40

    withdraw = f"/api/v1/needs/{need['id']}/withdraw"
    refused = await parties.client.post(withdraw, json={}, headers=parties.headers["worker"])
    assert (refused.status_code, refused.json()["code"]) == (409, "pairings_affected")
    assert {p["field"] for p in refused.json()["errors"]} == {"reason", "confirm"}
    assert (await _entry(parties.client, "needs", need))["state"] == "published", "unchanged"

    done = await parties.client.post(
        withdraw,
        json={"reason": "村里已自筹解决", "confirm": True},
        headers=parties.headers["worker"],
    )
    assert done.status_code == 200, done.text
    for proposal in (accepted, waiting):
        after = (
            await parties.client.get(
                f"/api/v1/proposals/{proposal['id']}", headers=parties.headers["member"]
            )
        ).json()
        assert (after["state"], after["answer_reason"]) == ("cancelled", "村里已自筹解决")
    assert await _committed(parties.client, "offers", offer) == 0, "accepted amounts released"
    restored = await _entry(parties.client, "offers", offer)
    assert restored["remaining_capacity"] == offer["remaining_capacity"]
    notices = list(await session.scalars(select(Notice)))
    assert len(notices) == 2
    organization = await session.scalar(select(Organization.id))
    assert {notice.organization_id for notice in notices} == {organization}

    await sign_in(parties.client, "member")
    page = await parties.client.get("/proposals")
    assert "村里已自筹解决" in page.text
    assert need["title"] in page.text


async def test_closing_an_offer_tells_the_station(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession
) -> None:
    need, offer = pair
    await parties.propose("worker", need, offer)
    closed = await parties.client.post(
        f"/api/v1/offers/{offer['id']}/close",
        json={"reason": "项目经费已用完", "confirm": True},
        headers=parties.headers["member"],
    )
    assert closed.status_code == 200, closed.text
    notice = await session.scalar(select(Notice))
    assert notice is not None
    assert (notice.township_code, notice.organization_id) == (need["township_code"], None)
    await sign_in(parties.client, "worker")
    page = await parties.client.get("/proposals")
    assert "项目经费已用完" in page.text
    noted = await post_form(
        parties.client, f"/notices/{notice.id}/read", {}, token_page="/proposals"
    )
    assert noted.status_code in (302, 303)  # type: ignore[attr-defined]
    assert await session.scalar(select(func.count()).where(Notice.read_at.is_(None))) == 0


async def test_an_entry_without_pairings_ends_without_questions(
    parties: Parties, pair: tuple[dict, dict]
) -> None:
    need, _offer = pair
    done = await parties.client.post(
        f"/api/v1/needs/{need['id']}/close", json={}, headers=parties.headers["worker"]
    )
    assert done.status_code == 200


async def test_suspending_an_organization_ends_its_open_proposals(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession
) -> None:
    need, offer = pair
    proposal = (await parties.propose("member", need, offer)).json()
    await make_user(session, Role.ADMIN, username="admin")
    admin = await bearer(parties.client, "admin")
    organization = await session.scalar(select(Organization.id))
    suspended = await parties.client.post(
        f"/api/v1/organizations/{organization}/suspended", headers=admin
    )
    assert suspended.status_code == 200, suspended.text
    after = (
        await parties.client.get(
            f"/api/v1/proposals/{proposal['id']}", headers=parties.headers["worker"]
        )
    ).json()
    assert after["state"] == "cancelled"
    assert after["answer_reason"]
    notice = await session.scalar(select(Notice))
    assert notice is not None
    assert notice.township_code == need["township_code"]
