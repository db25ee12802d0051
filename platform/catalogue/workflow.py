"""The one review workflow of offers and needs, as pure rules.

draft → submitted → published | returned (reason required) → submitted …;
published → closed | withdrawn. An entry withdrawn before it was ever published is a withdrawn
draft: its owner may restore it (a draft again) or delete it, like a draft. "Expired" is not
stored: a published entry whose deadline has passed is shown as expired.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from core.errors import N_, Conflict, Labels


class EntryState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


class Transition(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    RESTORE = "restore"

    @property
    def label(self) -> str:
        return _TRANSITION_LABELS[self]

    @property
    def done(self) -> str:
        """The step as a history entry: submitted, approved, returned, withdrawn, closed."""
        return {
            "submit": "submitted",
            "approve": "approved",
            "return": "returned",
            "withdraw": "withdrawn",
            "close": "closed",
            "restore": "restored",
        }[self.value]


class ReturnCause(StrEnum):
    """Why a reviewer sends an entry back, from a short list; "other" needs words of its own."""

    INCOMPLETE = "incomplete"
    AMOUNT = "amount"
    DUPLICATE = "duplicate"
    WRONG_CATEGORY = "wrong_category"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self]


class Party(StrEnum):
    """Who may take a step: the entry's owner (its organization or station) or a reviewer."""

    OWNER = "owner"
    REVIEWER = "reviewer"


EXPIRED = "expired"
EDITABLE = frozenset({EntryState.DRAFT, EntryState.RETURNED})

_RULES: dict[Transition, tuple[frozenset[EntryState], EntryState, frozenset[Party]]] = {
    Transition.SUBMIT: (
        frozenset({EntryState.DRAFT, EntryState.RETURNED}),
        EntryState.SUBMITTED,
        frozenset({Party.OWNER}),
    ),
    Transition.APPROVE: (
        frozenset({EntryState.SUBMITTED}),
        EntryState.PUBLISHED,
        frozenset({Party.REVIEWER}),
    ),
    Transition.RETURN: (
        frozenset({EntryState.SUBMITTED}),
        EntryState.RETURNED,
        frozenset({Party.REVIEWER}),
    ),
    Transition.WITHDRAW: (
        frozenset(
            {EntryState.DRAFT, EntryState.SUBMITTED, EntryState.RETURNED, EntryState.PUBLISHED}
        ),
        EntryState.WITHDRAWN,
        frozenset({Party.OWNER}),
    ),
    Transition.CLOSE: (
        frozenset({EntryState.PUBLISHED}),
        EntryState.CLOSED,
        frozenset({Party.OWNER, Party.REVIEWER}),
    ),
    Transition.RESTORE: (
        frozenset({EntryState.WITHDRAWN}),
        EntryState.DRAFT,
        frozenset({Party.OWNER}),
    ),
}


class InvalidTransition(Conflict):
    code = "invalid_transition"


def withdrawn_draft(state: EntryState, published_at: datetime | None) -> bool:
    """Withdrawn before it was ever published: nobody was paired with it or relied on it."""
    return state is EntryState.WITHDRAWN and published_at is None


def deletable(state: EntryState, published_at: datetime | None) -> bool:
    """Drafts and withdrawn drafts may be deleted; anything once published stays on record."""
    return state is EntryState.DRAFT or withdrawn_draft(state, published_at)


def parties_for(transition: Transition) -> frozenset[Party]:
    return _RULES[transition][2]


def next_state(state: EntryState, transition: Transition) -> EntryState:
    """The state after the step, or ``InvalidTransition`` (409) when it cannot be taken now."""
    allowed_from, target, _parties = _RULES[transition]
    if state not in allowed_from:
        raise InvalidTransition(
            N_("This entry is %(state)s; it cannot be %(step)s now."),
            params={"state": Labels([state.label]), "step": Labels([transition.label])},
        )
    return target


def available(state: EntryState, parties: frozenset[Party]) -> list[Transition]:
    """The steps these parties may take from this state, for the page's buttons."""
    return [
        transition
        for transition, (allowed_from, _target, who) in _RULES.items()
        if state in allowed_from and who & parties
    ]


def shown_state(state: EntryState, deadline: date | None, today: date) -> str:
    """The state as people see it: a published entry past its deadline is expired."""
    if state is EntryState.PUBLISHED and deadline is not None and deadline < today:
        return EXPIRED
    return state.value


_STATE_LABELS = {
    EntryState.DRAFT: N_("Draft"),
    EntryState.SUBMITTED: N_("Awaiting review"),
    EntryState.RETURNED: N_("Returned for revision"),
    EntryState.PUBLISHED: N_("Published"),
    EntryState.CLOSED: N_("Closed"),
    EntryState.WITHDRAWN: N_("Withdrawn"),
}
_TRANSITION_LABELS = {
    Transition.SUBMIT: N_("Submit for review"),
    Transition.APPROVE: N_("Approve and publish"),
    Transition.RETURN: N_("Return for revision"),
    Transition.WITHDRAW: N_("Withdraw"),
    Transition.CLOSE: N_("Close"),
    Transition.RESTORE: N_("Restore as a draft"),
}
_CAUSE_LABELS = {
    ReturnCause.INCOMPLETE: N_("Information incomplete"),
    ReturnCause.AMOUNT: N_("Amount not reasonable"),
    ReturnCause.DUPLICATE: N_("Submitted twice"),
    ReturnCause.WRONG_CATEGORY: N_("Not in this category"),
    ReturnCause.OTHER: N_("Other"),
}
