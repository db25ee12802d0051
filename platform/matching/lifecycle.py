"""Pairings follow the entries and organizations they are made of.

A published need or offer withdrawn or closed while it has open or accepted proposals: the
person must give a reason and confirm; then its open proposals are cancelled (the reason shown),
the amounts of its accepted ones, which no agreement holds yet, are released, and the other
party finds a notice on its to-do list. A suspended organization's open proposals are
cancelled the same way. The listeners are registered with the hooks of catalogue and accounts
by the composition root (`register`), since those packages may not import this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.suspension import ORGANIZATION_SUSPENDED, OrganizationSuspended
from catalogue.endings import ENTRY_ENDING, EntryEnding
from catalogue.models import EntryKind
from core.audit import Actor, record
from core.errors import N_, Conflict, FieldProblem
from core.i18n import translate
from demand.models import Channel, NeedLine
from matching.models import Notice, Proposal, ProposalState
from search.outbox import NEED, OFFER, enqueue
from supply.models import Offer, OfferLine

LIVE = (ProposalState.PROPOSED, ProposalState.ACCEPTED)

NEED_ENDED = N_(
    "The need “%(need)s” was withdrawn or closed: its pairing with your offer “%(offer)s” is "
    "cancelled."
)
OFFER_ENDED = N_(
    "The offer “%(offer)s” was withdrawn or closed: its pairing with your need “%(need)s” is "
    "cancelled."
)
ORGANIZATION_ENDED = N_(
    "The organization behind the offer “%(offer)s” is suspended: its proposal for your need "
    "“%(need)s” is cancelled."
)
SUSPENDED_REASON = N_("The organization is suspended.")
PRIMARY_LOCALE = "zh"
"""A reason is stored as text, in the platform's first language, like the ones people type."""


class PairingsAffected(Conflict):
    code = "pairings_affected"


def register() -> None:
    ENTRY_ENDING.listen(end_pairings_of_entry)
    ORGANIZATION_SUSPENDED.listen(end_pairings_of_organization)


async def end_pairings_of_entry(session: AsyncSession, ending: EntryEnding) -> None:
    column = Proposal.need_id if ending.kind is EntryKind.NEED else Proposal.offer_id
    affected = list(
        await session.scalars(
            select(Proposal).where(column == ending.entry_id, Proposal.state.in_(LIVE))
        )
    )
    if not affected:
        return
    reason = ending.reason.strip()
    if not (reason and ending.confirmed):
        raise PairingsAffected(
            N_(
                "This entry has %(count)s open or accepted pairings. Give a reason and confirm: "
                "they will be cancelled, their amounts released and the other party told."
            ),
            params={"count": len(affected)},
            problems=[
                FieldProblem(name, "required", message)
                for name, missing, message in (
                    ("reason", not reason, N_("Say why, for the other party.")),
                    ("confirm", not ending.confirmed, N_("Confirm ending the pairings.")),
                )
                if missing
            ],
        )
    message = NEED_ENDED if ending.kind is EntryKind.NEED else OFFER_ENDED
    await _cancel(session, affected, reason, message, ending.actor, ending.at)


async def end_pairings_of_organization(
    session: AsyncSession, suspended: OrganizationSuspended
) -> None:
    affected = list(
        await session.scalars(
            select(Proposal).where(
                Proposal.organization_id == suspended.organization_id,
                Proposal.state == ProposalState.PROPOSED,
            )
        )
    )
    reason = translate(PRIMARY_LOCALE, SUSPENDED_REASON)
    await _cancel(session, affected, reason, ORGANIZATION_ENDED, suspended.actor, suspended.at)


async def _cancel(
    session: AsyncSession,
    proposals: Sequence[Proposal],
    reason: str,
    message: str,
    actor: Actor,
    at: datetime,
) -> None:
    for proposal in proposals:
        before = proposal.state
        if before is ProposalState.ACCEPTED:
            await _release(session, proposal)
        proposal.state = ProposalState.CANCELLED
        proposal.answer_reason = reason
        proposal.answered_at = at
        proposal.answered_by_id = UUID(actor.user_id) if actor.user_id else None
        session.add(_notice_for_other_party(proposal, message, reason, at))
        record(
            session,
            actor=actor,
            action="proposal.cancelled",
            object_type="proposal",
            object_id=proposal.id,
            before={"state": before.value},
            after={"state": ProposalState.CANCELLED.value, "reason": reason},
            at=at,
        )
    await session.flush()


async def _release(session: AsyncSession, proposal: Proposal) -> None:
    """Give back what accepting committed: each line's amounts and the unit of capacity."""
    for line in proposal.lines:
        for table, line_id, amount in (
            (NeedLine, line.need_line_id, line.covers),
            (OfferLine, line.offer_line_id, line.amount),
        ):
            await session.execute(
                update(table)
                .where(table.id == line_id)
                .values(committed=table.committed - amount)
                .execution_options(synchronize_session="fetch")
            )
    await session.execute(
        update(Offer)
        .where(Offer.id == proposal.offer_id)
        .values(capacity_used=Offer.capacity_used - 1)
        .execution_options(synchronize_session="fetch")
    )
    await enqueue(session, NEED, [proposal.need_id])
    await enqueue(session, OFFER, [proposal.offer_id])


def _notice_for_other_party(proposal: Proposal, message: str, reason: str, at: datetime) -> Notice:
    """To the organization when the need's side ended it; to the need's station (or the
    reviewers speaking for an association or department need) otherwise."""
    params = {"need": proposal.need.title, "offer": proposal.offer.title}
    if message is NEED_ENDED:
        return Notice(
            organization_id=proposal.organization_id,
            proposal_id=proposal.id,
            message=message,
            params=params,
            reason=reason,
            created_at=at,
        )
    township = proposal.need.township_code if proposal.need.channel is Channel.STATION else None
    return Notice(
        township_code=township,
        proposal_id=proposal.id,
        message=message,
        params=params,
        reason=reason,
        created_at=at,
    )
