"""The lifecycle table, every state against every step and every party: pure, no database."""

from __future__ import annotations

from itertools import chain, combinations

import pytest

from agreements.lifecycle import (
    Party,
    Step,
    WrongState,
    may_take,
    steps_for,
    target,
)
from agreements.models import AgreementState as S

EXPECTED_TARGETS = {
    (S.DRAFT, Step.CONFIRM): S.SIGNED,
    (S.DRAFT, Step.SIGN_ON_PAPER): S.SIGNED,
    (S.DRAFT, Step.TERMINATE): S.TERMINATED,
    (S.SIGNED, Step.START): S.IN_PROGRESS,
    (S.SIGNED, Step.TERMINATE): S.TERMINATED,
    (S.IN_PROGRESS, Step.CONFIRM_COMPLETION): S.COMPLETION_CONFIRMED,
    (S.IN_PROGRESS, Step.TERMINATE): S.TERMINATED,
    (S.COMPLETION_CONFIRMED, Step.COMPLETE): S.COMPLETED,
}
EXPECTED_TAKERS = {
    (S.DRAFT, Step.CONFIRM): {Party.ORGANIZATION, Party.RECIPIENT},
    (S.DRAFT, Step.SIGN_ON_PAPER): {Party.REVIEWER},
    (S.DRAFT, Step.TERMINATE): {Party.ORGANIZATION, Party.RECIPIENT, Party.REVIEWER},
    (S.SIGNED, Step.START): {Party.ORGANIZATION, Party.RECIPIENT, Party.REVIEWER},
    (S.SIGNED, Step.TERMINATE): {Party.REVIEWER},
    (S.IN_PROGRESS, Step.CONFIRM_COMPLETION): {Party.RECIPIENT},
    (S.IN_PROGRESS, Step.TERMINATE): {Party.REVIEWER},
    (S.COMPLETION_CONFIRMED, Step.COMPLETE): {Party.ORGANIZATION, Party.REVIEWER},
}
PARTY_SETS = [
    frozenset(group)
    for group in chain.from_iterable(combinations(list(Party), n) for n in range(len(Party) + 1))
]


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("step", list(Step))
def test_every_state_and_step(state: S, step: Step) -> None:
    expected = EXPECTED_TARGETS.get((state, step))
    if expected is None:
        with pytest.raises(WrongState):
            target(state, step)
    else:
        assert target(state, step) is expected
    takers = EXPECTED_TAKERS.get((state, step), set())
    for parties in PARTY_SETS:
        assert may_take(step, state, parties) == bool(takers & parties), (state, step, parties)


def test_a_side_signs_once() -> None:
    organization = frozenset({Party.ORGANIZATION})
    assert may_take(Step.CONFIRM, S.DRAFT, organization)
    assert not may_take(Step.CONFIRM, S.DRAFT, organization, signed=organization)
    both = frozenset({Party.ORGANIZATION, Party.RECIPIENT})
    assert may_take(Step.CONFIRM, S.DRAFT, both, signed=organization)
    assert steps_for(S.DRAFT, organization, signed=organization) == [Step.TERMINATE]


def test_completion_is_the_recipients_to_confirm_and_ends_stay_ended() -> None:
    everyone = frozenset(Party)
    assert steps_for(S.IN_PROGRESS, frozenset({Party.ORGANIZATION})) == []
    assert steps_for(S.IN_PROGRESS, frozenset({Party.RECIPIENT})) == [Step.CONFIRM_COMPLETION]
    assert steps_for(S.COMPLETED, everyone) == []
    assert steps_for(S.TERMINATED, everyone) == []
    assert steps_for(S.SIGNED, frozenset()) == []
