"""The proposal's state machine and who may take each step, as pure rules.

proposed → accepted | declined (reason required) | withdrawn | expired (14 days unanswered);
accepted → converted (when the agreement is signed). The side that did not propose answers;
when a reviewer proposed, the organization answers, since it is its capacity that is
committed. The proposer withdraws. Reviewers may take any step on behalf of a party.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from core.errors import N_, Conflict, Labels
from matching.models import ProposalState, Side

ANSWER_WITHIN = timedelta(days=14)
OPEN_PROPOSALS_PER_ORGANIZATION = 10


class Step(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return {
            "accept": N_("Accept"),
            "decline": N_("Decline"),
            "withdraw": N_("Withdraw"),
        }[self.value]

    @property
    def target(self) -> ProposalState:
        return {
            "accept": ProposalState.ACCEPTED,
            "decline": ProposalState.DECLINED,
            "withdraw": ProposalState.WITHDRAWN,
        }[self.value]


class ProposalClosed(Conflict):
    code = "proposal_closed"


def answering_side(proposed_by: Side) -> Side:
    return Side.NEED if proposed_by is Side.OFFER else Side.OFFER


def may_take(step: Step, proposed_by: Side, sides: frozenset[Side]) -> bool:
    """Whether someone speaking for ``sides`` may take the step (REVIEWER: any step)."""
    if Side.REVIEWER in sides:
        return True
    if step is Step.WITHDRAW:
        return proposed_by in sides
    return answering_side(proposed_by) in sides


def steps_for(state: ProposalState, proposed_by: Side, sides: frozenset[Side]) -> list[Step]:
    if state is not ProposalState.PROPOSED:
        return []
    return [step for step in Step if may_take(step, proposed_by, sides)]


def require_open(state: ProposalState) -> None:
    if state is not ProposalState.PROPOSED:
        raise ProposalClosed(
            N_("This proposal is already %(state)s; it cannot change any more."),
            params={"state": Labels([state.label])},
        )
