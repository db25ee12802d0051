"""A declined pair stays declined: neither proposed, suggested nor planned again until the need
or the offer is edited (its version moves on)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import SQLCoreOperations

from core.errors import N_
from demand.models import Need
from matching.models import Proposal, ProposalState
from supply.models import Offer

DECLINED = N_(
    "This pairing was declined (%(reason)s); it can be proposed again once the need or the "
    "offer is edited."
)


def still_declined(
    need_version: int | SQLCoreOperations[int], offer_version: int | SQLCoreOperations[int]
) -> ColumnElement[bool]:
    """Proposals declined while the entries had the versions they have now."""
    return (
        (Proposal.state == ProposalState.DECLINED)
        & (Proposal.need_version == need_version)
        & (Proposal.offer_version == offer_version)
    )


async def declined_pairs(session: AsyncSession) -> set[tuple[UUID, UUID]]:
    """Every (need, offer) pair a decline still holds, for the planner."""
    rows = await session.execute(
        select(Proposal.need_id, Proposal.offer_id)
        .join(Need, Proposal.need_id == Need.id)
        .join(Offer, Proposal.offer_id == Offer.id)
        .where(still_declined(Need.version, Offer.version))
    )
    return {(need_id, offer_id) for need_id, offer_id in rows}


async def decline_between(session: AsyncSession, need: Need, offer: Offer) -> Proposal | None:
    """The latest decline that still holds between the two, with its reason."""
    return await session.scalar(
        select(Proposal)
        .where(
            Proposal.need_id == need.id,
            Proposal.offer_id == offer.id,
            still_declined(need.version, offer.version),
        )
        .order_by(Proposal.answered_at.desc())
        .limit(1)
    )
