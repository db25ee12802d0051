"""Who may propose, answer or withdraw a pairing, and when it is accepted: the one rule.

A pairing is an agreement between two parties: the organization (any member of it) and the
recipient side (the need's station, or, for a need posted on behalf of an association or a
department, a reviewer who speaks for it). It is accepted only once both have agreed. The
proposer's own side counts as agreed; a reviewer who proposes is a matchmaker, so both sides
must answer, and a reviewer never answers for the recipient side of a pairing they proposed.
Only the proposer's side (or the matchmaker) withdraws. Pure functions of plain facts, used by
the API, the pages and the to-do lists alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from accounts.identity import Identity
from accounts.policy import member_of, reviews, works_in_township
from core.categories import TopCategory
from demand.models import Channel, Need
from matching.models import Proposal, ProposalState, Side
from matching.rules import Step, state_at
from supply.models import Offer


class ProposalColumns(Protocol):
    """The proposal's columns the rule reads."""

    @property
    def organization_id(self) -> UUID: ...
    @property
    def proposed_by(self) -> Side: ...
    @property
    def proposed_by_id(self) -> UUID | None: ...
    @property
    def organization_agreed_at(self) -> datetime | None: ...
    @property
    def recipient_agreed_at(self) -> datetime | None: ...
    @property
    def state(self) -> ProposalState: ...
    @property
    def expires_at(self) -> datetime: ...


class NeedColumns(Protocol):
    """The need's columns the rule reads."""

    @property
    def township_code(self) -> str: ...
    @property
    def category(self) -> TopCategory: ...
    @property
    def channel(self) -> Channel: ...


PARTIES = (Side.OFFER, Side.NEED)
"""The two parties whose agreement makes a pairing: the organization and the recipient."""


@dataclass(frozen=True, slots=True)
class Pairing:
    """What the rule reads about a proposal (or a pair about to be proposed)."""

    organization_id: UUID
    township_code: str
    category: TopCategory
    by_station: bool
    """The need speaks through its station; otherwise through a reviewer (association or
    department needs)."""
    proposed_by: Side = Side.REVIEWER
    proposer_id: UUID | None = None
    agreed: frozenset[Side] = frozenset()
    state: ProposalState = ProposalState.PROPOSED
    expires_at: datetime | None = None

    @classmethod
    def of(cls, proposal: Proposal, now: datetime) -> Pairing:
        """The rule's facts of a proposal as they stand at ``now`` (past its deadline: expired)."""
        return cls.stated(proposal, proposal.need, now)

    @classmethod
    def stated(cls, proposal: ProposalColumns, need: NeedColumns, now: datetime) -> Pairing:
        """`of` from the plain columns it reads: a loaded proposal and its need, or a row of a
        list that selects both (read without building ORM objects)."""
        agreed = set()
        if proposal.organization_agreed_at is not None:
            agreed.add(Side.OFFER)
        if proposal.recipient_agreed_at is not None:
            agreed.add(Side.NEED)
        return cls(
            organization_id=proposal.organization_id,
            township_code=need.township_code,
            category=need.category,
            by_station=need.channel is Channel.STATION,
            proposed_by=proposal.proposed_by,
            proposer_id=proposal.proposed_by_id,
            agreed=frozenset(agreed),
            state=state_at(proposal.state, proposal.expires_at, now),
            expires_at=proposal.expires_at,
        )


def pairing_for(need: Need, offer: Offer, proposer_id: UUID | None = None) -> Pairing:
    """The rule's facts of a pair not yet proposed."""
    return Pairing(
        organization_id=offer.organization_id,
        township_code=need.township_code,
        category=need.category,
        by_station=need.channel is Channel.STATION,
        proposer_id=proposer_id,
    )


def proposing_side(identity: Identity, pairing: Pairing) -> Side | None:
    """As whom the identity proposes: its station, its organization, or as a matchmaking
    reviewer; ``None`` when it may not propose this pairing at all."""
    if pairing.by_station and works_in_township(identity, pairing.township_code):
        return Side.NEED
    if member_of(identity, pairing.organization_id):
        return Side.OFFER
    if reviews(identity, pairing.category):
        return Side.REVIEWER
    return None


def agreed_on_proposal(side: Side) -> frozenset[Side]:
    """The proposer's own side counts as agreed; a matchmaker's counts for neither."""
    return frozenset({side}) & frozenset(PARTIES)


def answers_for(identity: Identity, pairing: Pairing) -> frozenset[Side]:
    """The parties the identity may answer for (agreed already or not)."""
    sides = set()
    if member_of(identity, pairing.organization_id):
        sides.add(Side.OFFER)
    if pairing.by_station:
        if works_in_township(identity, pairing.township_code):
            sides.add(Side.NEED)
    elif reviews(identity, pairing.category) and identity.user_id != pairing.proposer_id:
        sides.add(Side.NEED)
    return frozenset(sides)


def still_to_answer(pairing: Pairing) -> list[Side]:
    """The parties whose answer is awaited, organization first."""
    if pairing.state is not ProposalState.PROPOSED:
        return []
    return [side for side in PARTIES if side not in pairing.agreed]


def is_accepted(agreed: frozenset[Side]) -> bool:
    return all(side in agreed for side in PARTIES)


def may_withdraw(identity: Identity, pairing: Pairing) -> bool:
    """The proposer, or someone of the proposer's side (a matchmaker's: a reviewer)."""
    if identity.user_id == pairing.proposer_id:
        return True
    if pairing.proposed_by is Side.REVIEWER:
        return reviews(identity, pairing.category)
    if pairing.proposed_by is Side.OFFER:
        return member_of(identity, pairing.organization_id)
    return pairing.by_station and works_in_township(identity, pairing.township_code)


def may_take(step: Step, identity: Identity, pairing: Pairing) -> bool:
    if pairing.state is not ProposalState.PROPOSED:
        return False
    if step is Step.WITHDRAW:
        return may_withdraw(identity, pairing)
    return bool(answers_for(identity, pairing) & set(still_to_answer(pairing)))


def steps_for(identity: Identity, pairing: Pairing) -> list[Step]:
    """The steps the identity may take now, for the buttons and the API's ``steps``."""
    return [step for step in Step if may_take(step, identity, pairing)]


def may_see(identity: Identity, pairing: Pairing) -> bool:
    """Its parties, its proposer, and the reviewers of its category."""
    return (
        bool(answers_for(identity, pairing))
        or identity.user_id == pairing.proposer_id
        or (pairing.by_station and works_in_township(identity, pairing.township_code))
        or reviews(identity, pairing.category)
    )
