"""The consent rule without a database: for every proposer, who may answer, withdraw or see,
and when a pairing is accepted."""

from __future__ import annotations

from uuid import uuid4

import pytest

from accounts.identity import Identity
from accounts.models import Role
from core.categories import TopCategory
from matching.consent import (
    Pairing,
    agreed_on_proposal,
    is_accepted,
    may_see,
    proposing_side,
    steps_for,
    still_to_answer,
)
from matching.models import ProposalState, Side
from matching.rules import Step

TOWNSHIP = "530627106000"
ORGANIZATION = uuid4()


def person(*roles: Role, **about: object) -> Identity:
    defaults: dict[str, object] = {
        "user_id": uuid4(),
        "username": "someone",
        "display_name": "someone",
        "roles": frozenset(roles),
        "organization_id": None,
        "station_id": None,
        "township_code": None,
        "department_id": None,
        "reviewer_categories": frozenset(),
        "affiliation_name": "",
        "must_change_password": False,
    }
    return Identity(**{**defaults, **about})  # type: ignore[arg-type]


MEMBER = person(Role.MEMBER, organization_id=ORGANIZATION)
OTHER_MEMBER = person(Role.MEMBER, organization_id=uuid4())
WORKER = person(Role.STATION_WORKER, township_code=TOWNSHIP)
OTHER_WORKER = person(Role.STATION_WORKER, township_code="530602001000")
REVIEWER = person(Role.REVIEWER)
SECOND_REVIEWER = person(Role.REVIEWER)
INDUSTRY_REVIEWER = person(Role.REVIEWER, reviewer_categories=frozenset({TopCategory.INDUSTRY}))


def proposed(by: Identity, *, by_station: bool = True) -> Pairing:
    """The pairing just after ``by`` proposed it, the proposer's side agreed."""
    bare = Pairing(
        organization_id=ORGANIZATION,
        township_code=TOWNSHIP,
        category=TopCategory.SPECIAL_GROUPS,
        by_station=by_station,
        proposer_id=by.user_id,
    )
    side = proposing_side(by, bare)
    assert side is not None
    return Pairing(
        organization_id=bare.organization_id,
        township_code=bare.township_code,
        category=bare.category,
        by_station=by_station,
        proposed_by=side,
        proposer_id=by.user_id,
        agreed=agreed_on_proposal(side),
    )


def agreed(pairing: Pairing, *sides: Side) -> Pairing:
    return Pairing(
        organization_id=pairing.organization_id,
        township_code=pairing.township_code,
        category=pairing.category,
        by_station=pairing.by_station,
        proposed_by=pairing.proposed_by,
        proposer_id=pairing.proposer_id,
        agreed=pairing.agreed | set(sides),
    )


def test_the_organization_proposes_the_station_answers() -> None:
    pairing = proposed(MEMBER)
    assert (pairing.proposed_by, still_to_answer(pairing)) == (Side.OFFER, [Side.NEED])
    assert steps_for(MEMBER, pairing) == [Step.WITHDRAW]
    assert steps_for(WORKER, pairing) == [Step.ACCEPT, Step.DECLINE]
    assert steps_for(REVIEWER, pairing) == [], "a reviewer no longer answers for a party"
    assert steps_for(OTHER_WORKER, pairing) == steps_for(OTHER_MEMBER, pairing) == []
    assert is_accepted(agreed(pairing, Side.NEED).agreed)


def test_the_station_proposes_the_organization_answers() -> None:
    pairing = proposed(WORKER)
    assert (pairing.proposed_by, still_to_answer(pairing)) == (Side.NEED, [Side.OFFER])
    assert steps_for(WORKER, pairing) == [Step.WITHDRAW]
    assert steps_for(MEMBER, pairing) == [Step.ACCEPT, Step.DECLINE]
    assert not is_accepted(pairing.agreed)


def test_a_reviewer_proposing_is_a_matchmaker_both_sides_answer() -> None:
    pairing = proposed(REVIEWER)
    assert pairing.proposed_by is Side.REVIEWER
    assert still_to_answer(pairing) == [Side.OFFER, Side.NEED]
    assert steps_for(REVIEWER, pairing) == [Step.WITHDRAW], "never answers their own proposal"
    assert steps_for(SECOND_REVIEWER, pairing) == [Step.WITHDRAW]
    assert steps_for(MEMBER, pairing) == [Step.ACCEPT, Step.DECLINE]
    half = agreed(pairing, Side.OFFER)
    assert not is_accepted(half.agreed)
    assert still_to_answer(half) == [Side.NEED]
    assert steps_for(MEMBER, half) == [], "an answered side does not answer twice"
    assert steps_for(WORKER, half) == [Step.ACCEPT, Step.DECLINE]
    assert is_accepted(agreed(half, Side.NEED).agreed)


def test_an_association_need_is_answered_by_another_reviewer() -> None:
    pairing = proposed(REVIEWER, by_station=False)
    assert steps_for(REVIEWER, pairing) == [Step.WITHDRAW], "the proposer never answers"
    assert steps_for(SECOND_REVIEWER, pairing) == [Step.ACCEPT, Step.DECLINE, Step.WITHDRAW]
    assert steps_for(WORKER, pairing) == [], "no station speaks for it"
    assert steps_for(INDUSTRY_REVIEWER, pairing) == [], "only reviewers of its category"
    by_member = proposed(MEMBER, by_station=False)
    assert steps_for(REVIEWER, by_member) == [Step.ACCEPT, Step.DECLINE]


@pytest.mark.parametrize(
    "state", [state for state in ProposalState if state is not ProposalState.PROPOSED]
)
def test_nothing_to_answer_once_closed(state: ProposalState) -> None:
    open_one = proposed(REVIEWER)
    closed = Pairing(
        organization_id=open_one.organization_id,
        township_code=open_one.township_code,
        category=open_one.category,
        by_station=True,
        proposed_by=open_one.proposed_by,
        proposer_id=open_one.proposer_id,
        state=state,
    )
    assert still_to_answer(closed) == []
    assert all(steps_for(who, closed) == [] for who in (MEMBER, WORKER, REVIEWER))


def test_who_may_propose_and_see() -> None:
    bare = Pairing(
        organization_id=ORGANIZATION,
        township_code=TOWNSHIP,
        category=TopCategory.SPECIAL_GROUPS,
        by_station=True,
    )
    assert proposing_side(WORKER, bare) is Side.NEED
    assert proposing_side(MEMBER, bare) is Side.OFFER
    assert proposing_side(REVIEWER, bare) is Side.REVIEWER
    assert agreed_on_proposal(Side.REVIEWER) == frozenset(), "a matchmaker agrees for no one"
    for stranger in (OTHER_WORKER, OTHER_MEMBER, INDUSTRY_REVIEWER):
        assert proposing_side(stranger, bare) is None
        assert not may_see(stranger, proposed(MEMBER))
    assert all(may_see(who, proposed(MEMBER)) for who in (MEMBER, WORKER, REVIEWER))
