"""Offers through the JSON API: only a verified organization's members submit its offers."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Verification
from tests.conftest import FakeClock
from tests.factories import bearer, make_organization, make_user, offer_body


async def test_an_offer_needs_a_verified_organization_and_its_own_members(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    pending = await make_organization(session, "待核验协会", verification=Verification.PENDING)
    await make_user(session, Role.MEMBER, username="newbie", organization=pending)
    await make_user(session, Role.MEMBER, username="member")
    await make_user(session, Role.MEMBER, username="rival")
    newbie, member, rival = [await bearer(client, u) for u in ("newbie", "member", "rival")]
    draft = (await client.post("/api/v1/offers", json=offer_body(clock), headers=newbie)).json()
    refused = await client.post(f"/api/v1/offers/{draft['id']}/submit", headers=newbie)
    assert refused.status_code == 409
    offer = (await client.post("/api/v1/offers", json=offer_body(clock), headers=member)).json()
    assert offer["remaining_capacity"] == 3
    assert offer["lines"][0]["remaining"] == "200.00"
    hidden = await client.post(f"/api/v1/offers/{offer['id']}/submit", headers=rival)
    assert hidden.status_code == 404, "another organization's draft does not exist for them"
    submitted = await client.post(f"/api/v1/offers/{offer['id']}/submit", headers=member)
    assert submitted.json()["state"] == "submitted"


async def test_an_amount_longer_than_decimals_hold_is_a_400_naming_the_field(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    """Found by the long API fuzzing: thirty nines as a purchase line's value were a 500."""
    await make_user(session, Role.MEMBER, username="member")
    member = await bearer(client, "member")
    line = {"kind": "purchase", "amount": "300", "item": "马铃薯", "unit": "吨", "value": "9" * 30}
    answer = await client.post(
        "/api/v1/offers", json=offer_body(clock, lines=[line]), headers=member
    )
    assert answer.status_code == 400, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["lines.0.value"]
    listed = await client.get("/api/v1/offers", params={"mine": "true"}, headers=member)
    assert listed.json()["total"] == 0
