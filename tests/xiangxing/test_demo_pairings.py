"""The demo shows consent at work: the demo member's organization has published offers and
three pairings with the demo station — one awaiting the station's answer, one accepted (funds
paying for seedlings, committed on both sides), one declined with the station's reason."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from catalogue.workflow import EntryState
from core.clock import utc_now
from core.pagination import PageRequest
from matching.consent import Pairing, still_to_answer
from matching.models import Proposal, ProposalState, Side
from matching.proposals import ProposalService
from supply.models import Offer


async def _proposals_of(demo: AsyncSession, username: str) -> dict[ProposalState, Proposal]:
    user = (await demo.scalars(select(User).where(User.username == username))).one()
    seen = await ProposalService(demo, utc_now).list_for(Identity.of(user), PageRequest())
    return {proposal.state: proposal for proposal in seen.items}


async def test_the_member_s_organization_publishes_offers(demo: AsyncSession) -> None:
    member = (await demo.scalars(select(User).where(User.username == "org_member"))).one()
    published = await demo.scalars(
        select(Offer.title).where(
            Offer.organization_id == member.organization_id,
            Offer.state == EntryState.PUBLISHED,
        )
    )
    assert len(list(published)) >= 3


async def test_member_and_station_each_see_a_waiting_an_accepted_and_a_declined_pairing(
    demo: AsyncSession,
) -> None:
    member = await _proposals_of(demo, "org_member")
    station = await _proposals_of(demo, "station_worker")
    states = {ProposalState.PROPOSED, ProposalState.ACCEPTED, ProposalState.DECLINED}
    assert set(member) == set(station) == states
    assert {p.id for p in member.values()} == {p.id for p in station.values()}

    waiting = member[ProposalState.PROPOSED]
    assert waiting.proposed_by is Side.OFFER
    assert still_to_answer(Pairing.of(waiting)) == [Side.NEED], "the station must answer"

    accepted = member[ProposalState.ACCEPTED]
    assert accepted.organization_agreed_at is not None
    assert accepted.recipient_agreed_at is not None
    assert all(accepted.need.contact), "the station's contact, shown once both agreed"
    assert accepted.offer.organization.contact_phone
    [line] = accepted.lines
    assert (line.amount, line.offer_line.committed) == (Decimal(60000), Decimal(60000))
    assert (line.covers, line.need_line.committed) == (Decimal(4000), Decimal(4000)), (
        "60,000 元 buy 4,000 of the 6,000 seedlings worth 90,000 元"
    )

    declined = member[ProposalState.DECLINED]
    assert "每公斤5元" in declined.answer_reason
