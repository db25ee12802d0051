"""What agreements gather for other pages: a signing event's agreements, organizations by
origin, coverage and funnel, and a party's own agreements with those awaiting it first.

Matching sits below agreements and never imports it; its pages load these through the
agreements pages' partials (``agreements.pages.gathered``). Every query reads through the
readable statement of ``agreements.policy``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Origin
from agreements.due import awaiting
from agreements.lifecycle import SIGNED_OR_LATER, Step
from agreements.models import Agreement, AgreementState
from agreements.policy import agreement_of_party, parties_of
from matching.models import Proposal, ProposalState, SigningEvent
from regions.models import Region, RegionLevel

SHOWN = 50
ACCEPTED = (ProposalState.ACCEPTED, ProposalState.CONVERTED)
OPEN = (
    AgreementState.DRAFT,
    AgreementState.SIGNED,
    AgreementState.IN_PROGRESS,
    AgreementState.COMPLETION_CONFIRMED,
)


@dataclass(frozen=True, slots=True)
class Funnel:
    """From the plan to signed agreements, in numbers."""

    planned: int
    proposed: int
    accepted: int
    signed: int
    from_paper: int
    """Signed agreements of the event entered from paper rather than made from pairings."""


@dataclass(frozen=True, slots=True)
class Reach:
    reached: int
    in_scope: int


@dataclass(frozen=True, slots=True)
class EventGathering:
    agreements: list[Agreement]
    origins: dict[Origin, int]
    """Organizations with a signed agreement at the event, per origin (every origin listed)."""
    counties: Reach
    townships: Reach
    funnel: Funnel


async def event_gathering(
    session: AsyncSession, event: SigningEvent, readable: ColumnElement[bool]
) -> EventGathering:
    """The agreements made at the event, and what its signed ones reached."""
    agreements = list(
        await session.scalars(
            select(Agreement)
            .where(Agreement.event_id == event.id, readable)
            .order_by(Agreement.number)
        )
    )
    signed = [agreement for agreement in agreements if agreement.state in SIGNED_OR_LATER]
    organizations = {agreement.organization_id: agreement.organization for agreement in signed}
    counted = Counter(organization.origin for organization in organizations.values())
    scope = list(event.county_codes)
    townships_in_scope = (
        await session.scalar(
            select(func.count())
            .select_from(Region)
            .where(Region.level == RegionLevel.TOWNSHIP, Region.parent_code.in_(scope))
        )
        or 0
    )
    return EventGathering(
        agreements=agreements,
        origins={origin: counted.get(origin, 0) for origin in Origin},
        counties=Reach(len({a.county_code for a in signed} & set(scope)), len(scope)),
        townships=Reach(
            len({a.township_code for a in signed if a.county_code in scope and a.township_code}),
            townships_in_scope,
        ),
        funnel=Funnel(
            planned=len(event.pairs_in_plan),
            proposed=await _proposals(session, event.id),
            accepted=await _proposals(session, event.id, ACCEPTED),
            signed=len(signed),
            from_paper=sum(1 for agreement in signed if not agreement.proposals),
        ),
    )


async def _proposals(
    session: AsyncSession, event_id: UUID, states: tuple[ProposalState, ...] | None = None
) -> int:
    query = select(func.count()).select_from(Proposal).where(Proposal.event_id == event_id)
    if states is not None:
        query = query.where(Proposal.state.in_(states))
    return await session.scalar(query) or 0


async def signing_event(session: AsyncSession, event_id: UUID) -> SigningEvent | None:
    return await session.get(SigningEvent, event_id)


async def own_agreements(
    session: AsyncSession, identity: Identity
) -> list[tuple[Agreement, list[Step]]]:
    """The party's running agreements, those awaiting its action first, then newest first."""
    found = await session.scalars(
        select(Agreement)
        .where(agreement_of_party(identity), Agreement.state.in_(OPEN))
        .order_by(Agreement.created_at.desc(), Agreement.id.desc())
        .limit(SHOWN)
    )
    rows = [(each, awaiting(each, parties_of(identity, each))) for each in found]
    return sorted(rows, key=lambda row: not row[1])
