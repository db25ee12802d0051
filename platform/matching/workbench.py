"""What a reviewer should look at next: urgent needs nobody has paired, offers with capacity
left, counties without any pairing, proposals about to expire unanswered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.workflow import EntryState
from core.clock import Clock, local_date
from demand.models import Need, Urgency
from matching.facts import HOLDING
from matching.models import Proposal, ProposalState
from regions.models import Region, RegionLevel
from supply.models import Offer
from supply.policy import offer_public

SHOWN = 20
EXPIRING_WITHIN = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Workbench:
    urgent_needs: list[Need]
    open_offers: list[tuple[Offer, int]]
    """Each offer with how many more needs it can take (capacity left minus open proposals)."""
    unpaired_counties: list[Region]
    expiring: list[Proposal]


async def workbench(session: AsyncSession, clock: Clock) -> Workbench:
    now = clock()
    today = local_date(now)
    paired = exists().where(Proposal.need_id == Need.id, Proposal.state.in_(HOLDING))
    urgent = await session.scalars(
        select(Need)
        .where(
            Need.state == EntryState.PUBLISHED,
            Need.deadline >= today,
            Need.urgency == Urgency.RED,
            ~paired,
        )
        .order_by(Need.published_at)
        .limit(SHOWN)
    )
    open_proposals = (
        select(func.count())
        .where(Proposal.offer_id == Offer.id, Proposal.state == ProposalState.PROPOSED)
        .scalar_subquery()
    )
    left = Offer.capacity - Offer.capacity_used - open_proposals
    offers = await session.execute(
        select(Offer, left)
        .where(offer_public(), Offer.valid_until >= today, left > 0)
        .order_by(left.desc(), Offer.published_at.desc())
        .limit(SHOWN)
    )
    covered = (
        select(Need.county_code)
        .join(Proposal, Proposal.need_id == Need.id)
        .where(Proposal.state.in_(HOLDING))
    )
    counties = await session.scalars(
        select(Region)
        .where(Region.level == RegionLevel.COUNTY, Region.code.not_in(covered))
        .order_by(Region.code)
    )
    expiring = await session.scalars(
        select(Proposal)
        .where(
            Proposal.state == ProposalState.PROPOSED,
            Proposal.expires_at >= now,
            Proposal.expires_at < now + EXPIRING_WITHIN,
        )
        .order_by(Proposal.expires_at)
        .limit(SHOWN)
    )
    return Workbench(
        urgent_needs=list(urgent.unique()),
        open_offers=[(offer, count) for offer, count in offers.unique()],
        unpaired_counties=list(counties),
        expiring=list(expiring.unique()),
    )
