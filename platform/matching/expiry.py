"""Proposals unanswered past their deadline: every read already shows them as expired
(`matching.rules.state_at`); this periodic job writes it down, with an audit entry each, so
that reads never write."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import Actor, record
from core.database import writing
from core.jobs import Job
from matching.models import Proposal, ProposalState

SYSTEM = Actor(user_id=None, username="system", role="system", ip=None)


@writing
async def expire_proposals(session: AsyncSession, now: datetime) -> int:
    """Mark the proposals past their deadline expired (answered when the deadline passed, not
    when the job came round); returns how many."""
    due = list(
        await session.scalars(
            select(Proposal.id).where(
                Proposal.state == ProposalState.PROPOSED, Proposal.expires_at < now
            )
        )
    )
    if due:
        await session.execute(
            update(Proposal)
            .where(Proposal.id.in_(due), Proposal.state == ProposalState.PROPOSED)
            .values(state=ProposalState.EXPIRED, answered_at=Proposal.expires_at)
            .execution_options(synchronize_session="fetch")
        )
        for proposal_id in due:
            record(
                session,
                actor=SYSTEM,
                action="proposal.expired",
                object_type="proposal",
                object_id=proposal_id,
                at=now,
            )
    return len(due)


EXPIRE_PROPOSALS = Job("matching.expire_proposals", expire_proposals, every=timedelta(minutes=5))
