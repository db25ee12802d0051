"""The review workflow and partial fulfilment, as pure rules."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from catalogue.lines import NeedProgress, need_progress, still_offered, still_sought
from catalogue.workflow import (
    EXPIRED,
    EntryState,
    InvalidTransition,
    Party,
    Transition,
    available,
    next_state,
    shown_state,
)

OWNER = frozenset({Party.OWNER})
REVIEWER = frozenset({Party.REVIEWER})


@pytest.mark.parametrize(
    ("state", "step", "after"),
    [
        (EntryState.DRAFT, Transition.SUBMIT, EntryState.SUBMITTED),
        (EntryState.RETURNED, Transition.SUBMIT, EntryState.SUBMITTED),
        (EntryState.SUBMITTED, Transition.APPROVE, EntryState.PUBLISHED),
        (EntryState.SUBMITTED, Transition.RETURN, EntryState.RETURNED),
        (EntryState.PUBLISHED, Transition.CLOSE, EntryState.CLOSED),
        (EntryState.PUBLISHED, Transition.WITHDRAW, EntryState.WITHDRAWN),
        (EntryState.DRAFT, Transition.WITHDRAW, EntryState.WITHDRAWN),
    ],
)
def test_allowed_steps(state: EntryState, step: Transition, after: EntryState) -> None:
    assert next_state(state, step) is after


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (EntryState.DRAFT, Transition.APPROVE),
        (EntryState.PUBLISHED, Transition.SUBMIT),
        (EntryState.CLOSED, Transition.WITHDRAW),
        (EntryState.WITHDRAWN, Transition.SUBMIT),
        (EntryState.RETURNED, Transition.APPROVE),
        (EntryState.SUBMITTED, Transition.CLOSE),
    ],
)
def test_refused_steps_are_conflicts(state: EntryState, step: Transition) -> None:
    with pytest.raises(InvalidTransition) as refused:
        next_state(state, step)
    assert refused.value.status_code == 409


def test_each_party_sees_only_its_own_steps() -> None:
    assert available(EntryState.DRAFT, OWNER) == [Transition.SUBMIT, Transition.WITHDRAW]
    assert available(EntryState.DRAFT, REVIEWER) == []
    assert available(EntryState.SUBMITTED, REVIEWER) == [Transition.APPROVE, Transition.RETURN]
    assert available(EntryState.PUBLISHED, REVIEWER) == [Transition.CLOSE]
    assert available(EntryState.PUBLISHED, OWNER) == [Transition.WITHDRAW, Transition.CLOSE]
    assert available(EntryState.CLOSED, OWNER | REVIEWER) == []


def test_published_entries_past_their_deadline_show_as_expired() -> None:
    today = date(2026, 11, 28)
    assert shown_state(EntryState.PUBLISHED, date(2026, 11, 27), today) == EXPIRED
    assert shown_state(EntryState.PUBLISHED, today, today) == "published"
    assert shown_state(EntryState.DRAFT, date(2020, 1, 1), today) == "draft"


@dataclass
class Line:
    sought: Decimal
    committed: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)


@pytest.mark.parametrize(
    ("lines", "progress"),
    [
        ([Line(Decimal(100)), Line(Decimal(5))], NeedProgress.OPEN),
        ([Line(Decimal(100), Decimal(40)), Line(Decimal(5))], NeedProgress.PARTLY_COMMITTED),
        (
            [Line(Decimal(100), Decimal(100)), Line(Decimal(5), Decimal(5))],
            NeedProgress.FULLY_COMMITTED,
        ),
        (
            [Line(Decimal(100), Decimal(100), Decimal(100)), Line(Decimal(5), Decimal(6))],
            NeedProgress.FULLY_COMMITTED,
        ),
        (
            [
                Line(Decimal(100), Decimal(100), Decimal(100)),
                Line(Decimal(5), Decimal(5), Decimal(5)),
            ],
            NeedProgress.COMPLETED,
        ),
        ([], NeedProgress.OPEN),
    ],
)
def test_need_progress_follows_its_lines(lines: list[Line], progress: NeedProgress) -> None:
    assert need_progress(lines) is progress


def test_what_is_still_sought_or_offered_never_goes_negative() -> None:
    assert still_sought(Line(Decimal(10), Decimal(4))) == Decimal(6)
    assert still_sought(Line(Decimal(10), Decimal(12))) == Decimal(0)

    @dataclass
    class Offered:
        offered: Decimal
        committed: Decimal

    assert still_offered(Offered(Decimal("1000.00"), Decimal("250.50"))) == Decimal("749.50")
