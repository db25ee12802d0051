"""Where an agreement may go from each state, and which party may take it there: pure rules.

draft → signed (both parties confirm on the platform, or a reviewer records a signature made
on paper) → in progress → completion confirmed (the recipient signs off) → completed; or
terminated with a reason, from draft, signed or in progress. A reviewer of the agreement's
category terminates at any of those; a party may end only a draft it has not signed yet.
"""

from __future__ import annotations

from enum import StrEnum

from agreements.models import AgreementState
from core.errors import N_, Conflict, Labels


class Party(StrEnum):
    """As whom someone acts on an agreement."""

    ORGANIZATION = "organization"
    RECIPIENT = "recipient"
    REVIEWER = "reviewer"


class Step(StrEnum):
    CONFIRM = "confirm"
    """One party's signature on the platform; with both, the agreement is signed."""
    SIGN_ON_PAPER = "sign-on-paper"
    START = "start"
    CONFIRM_COMPLETION = "confirm-completion"
    COMPLETE = "complete"
    TERMINATE = "terminate"


State = AgreementState
MOVES: dict[Step, dict[AgreementState, AgreementState]] = {
    Step.CONFIRM: {State.DRAFT: State.SIGNED},
    Step.SIGN_ON_PAPER: {State.DRAFT: State.SIGNED},
    Step.START: {State.SIGNED: State.IN_PROGRESS},
    Step.CONFIRM_COMPLETION: {State.IN_PROGRESS: State.COMPLETION_CONFIRMED},
    Step.COMPLETE: {State.COMPLETION_CONFIRMED: State.COMPLETED},
    Step.TERMINATE: {
        State.DRAFT: State.TERMINATED,
        State.SIGNED: State.TERMINATED,
        State.IN_PROGRESS: State.TERMINATED,
    },
}
WHO: dict[Step, frozenset[Party]] = {
    Step.CONFIRM: frozenset({Party.ORGANIZATION, Party.RECIPIENT}),
    Step.SIGN_ON_PAPER: frozenset({Party.REVIEWER}),
    Step.START: frozenset(Party),
    Step.CONFIRM_COMPLETION: frozenset({Party.RECIPIENT}),
    Step.COMPLETE: frozenset({Party.ORGANIZATION, Party.REVIEWER}),
    Step.TERMINATE: frozenset({Party.REVIEWER}),
}
PARTIES_END_DRAFTS = frozenset({Party.ORGANIZATION, Party.RECIPIENT})
"""Before anything is signed, either party may still walk away."""
SIGNED_OR_LATER = (
    State.SIGNED,
    State.IN_PROGRESS,
    State.COMPLETION_CONFIRMED,
    State.COMPLETED,
)


class WrongState(Conflict):
    code = "wrong_state"


def target(state: AgreementState, step: Step) -> AgreementState:
    """Where the step leads from ``state``; ``WrongState`` (409) when it cannot be taken."""
    moved = MOVES[step].get(state)
    if moved is None:
        raise WrongState(
            N_("This step cannot be taken while the agreement is %(state)s."),
            params={"state": Labels([state.label])},
        )
    return moved


def who_may(step: Step, state: AgreementState) -> frozenset[Party]:
    if step is Step.TERMINATE and state is State.DRAFT:
        return WHO[step] | PARTIES_END_DRAFTS
    return WHO[step]


def may_take(
    step: Step,
    state: AgreementState,
    parties: frozenset[Party],
    signed: frozenset[Party] = frozenset(),
) -> bool:
    """The step exists from this state and one of the caller's parties may take it; a side
    that has signed (``signed``) does not sign again."""
    if step is Step.CONFIRM:
        parties = parties - signed
    return state in MOVES[step] and bool(who_may(step, state) & parties)


def steps_for(
    state: AgreementState, parties: frozenset[Party], signed: frozenset[Party] = frozenset()
) -> list[Step]:
    """The steps offered to the caller now (buttons, the API's ``steps``)."""
    return [step for step in Step if may_take(step, state, parties, signed)]
