"""Both parties consent, through the API: every kind of proposer, the reviewer who proposed
never answering, and acceptance re-checking that the pairing can still happen."""

from __future__ import annotations

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role, Verification
from catalogue.workflow import EntryState
from supply.models import Offer
from tests.conftest import FakeClock
from tests.factories import bearer, make_user, need_body, sign_in
from tests.matching.parties import Parties


async def _committed(client: AsyncClient, need: dict) -> Decimal:
    found = (await client.get(f"/api/v1/needs/{need['id']}")).json()
    return sum((Decimal(line["committed"]) for line in found["lines"]), Decimal(0))


async def test_a_reviewers_proposal_needs_both_sides(
    parties: Parties, pair: tuple[dict, dict]
) -> None:
    need, offer = pair
    proposal = (await parties.propose("reviewer", need, offer)).json()
    assert (proposal["agreed"], proposal["awaiting"]) == ([], ["offer", "need"])
    assert (await parties.step("reviewer", proposal, "accept")).status_code == 403
    half = (await parties.step("member", proposal, "accept")).json()
    assert (half["state"], half["agreed"], half["awaiting"]) == ("proposed", ["offer"], ["need"])
    assert await _committed(parties.client, need) == 0, "nothing committed on one side's word"
    assert (await parties.step("member", proposal, "accept")).status_code == 403
    done = (await parties.step("worker", proposal, "accept")).json()
    assert (done["state"], done["agreed"], done["awaiting"]) == (
        "accepted",
        ["offer", "need"],
        [],
    )
    assert await _committed(parties.client, need) == 40


async def test_the_station_proposes_and_the_organization_answers(
    parties: Parties, pair: tuple[dict, dict]
) -> None:
    need, offer = pair
    proposal = (await parties.propose("worker", need, offer)).json()
    assert (proposal["agreed"], proposal["awaiting"]) == (["need"], ["offer"])
    assert (await parties.step("worker", proposal, "accept")).status_code == 403
    assert (await parties.step("reviewer", proposal, "accept")).status_code == 403
    assert (await parties.step("member", proposal, "accept")).json()["state"] == "accepted"


async def test_an_association_need_is_answered_by_another_reviewer(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession, clock: FakeClock
) -> None:
    _need, offer = pair
    await make_user(session, Role.REVIEWER, username="rev2")
    second = await bearer(parties.client, "rev2")
    body = need_body(clock, channel="association", channel_name="彝良县种植业协会")
    parties.headers["worker"] = parties.headers["rev"]
    parties.headers["reviewer"] = second  # four eyes: who posted it does not approve it
    need = await parties.publish("needs", body)
    proposal = (await parties.propose("rev", need, offer)).json()
    assert proposal["awaiting"] == ["offer", "need"]
    assert (await parties.step("rev", proposal, "accept")).status_code == 403
    await parties.step("member", proposal, "accept")
    accepted = await parties.client.post(
        f"/api/v1/proposals/{proposal['id']}/accept", json={}, headers=second
    )
    assert accepted.json()["state"] == "accepted"


async def test_accepting_rechecks_the_organization_and_the_entries(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession
) -> None:
    need, offer = pair
    proposal = (await parties.propose("member", need, offer)).json()
    await session.execute(update(Organization).values(verification=Verification.SUSPENDED))
    refused = await parties.step("worker", proposal, "accept")
    assert (refused.status_code, refused.json()["code"]) == (409, "no_longer_open")
    assert await _committed(parties.client, need) == 0
    await session.execute(update(Organization).values(verification=Verification.VERIFIED))
    await session.execute(update(Offer).values(state=EntryState.CLOSED))
    closed = await parties.step("worker", proposal, "accept")
    assert (closed.status_code, closed.json()["code"]) == (409, "no_longer_open")
    assert await _committed(parties.client, need) == 0


async def test_contacts_are_shown_once_both_have_agreed(
    parties: Parties, pair: tuple[dict, dict], clock: FakeClock
) -> None:
    _need, offer = pair
    body = need_body(
        clock, title="有专人联系的需求", contact_name="王主任", contact_phone="13800000000"
    )
    need = await parties.publish("needs", body)
    proposal = (await parties.propose("member", need, offer)).json()
    await sign_in(parties.client, "worker")
    before = (await parties.client.get("/proposals")).text
    assert "0870-2123456" not in before, "the organization's phone only once both agreed"
    await parties.step("worker", proposal, "accept")
    station_view = (await parties.client.get("/proposals")).text
    assert "0870-2123456" in station_view
    assert "13800000000" in station_view, "the need's own contact, not the station's"
