"""The proposal's state machine and its limits, as pure rules.

proposed → accepted (both parties agreed) | declined (reason required) | withdrawn |
expired (14 days unanswered) | cancelled (an entry withdrawn or closed, the organization
suspended); accepted → converted (when the agreement is signed), or cancelled while no
agreement holds it. Who may take a step is `matching.consent`'s rule. And a signing event is
held today or later.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from core.errors import N_, Conflict, FieldProblem, InvalidInput, Labels
from matching.models import ProposalState

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


def require_open(state: ProposalState) -> None:
    if state is not ProposalState.PROPOSED:
        raise ProposalClosed(
            N_("This proposal is already %(state)s; it cannot change any more."),
            params={"state": Labels([state.label])},
        )


def state_at(state: ProposalState, expires_at: datetime, now: datetime) -> ProposalState:
    """The state as it stands at ``now``: a proposal unanswered past its deadline is expired,
    whether or not the expiry job (`matching.expiry`) has written it down yet."""
    if state is ProposalState.PROPOSED and expires_at < now:
        return ProposalState.EXPIRED
    return state


def check_held_on(held_on: date, today: date) -> None:
    """A signing event is held today or later (``today`` in Beijing time); a past date is
    refused with the date it may take."""
    if held_on < today:
        raise InvalidInput(
            N_("A signing event cannot be held in the past."),
            problems=[
                FieldProblem(
                    "held_on",
                    "past_date",
                    N_("%(date)s has passed: choose today (%(today)s) or a later day."),
                    {"date": held_on.isoformat(), "today": today.isoformat()},
                )
            ],
        )
