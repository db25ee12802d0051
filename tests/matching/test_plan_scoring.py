"""The plan's candidates and scores computed in bulk agree with the rules pair by pair: the
SQL candidate set is the set of pairs `scoring.eligible` allows, and every vectorised score and
component equals `scoring.score` (on the demo and on generated facts)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from core.clock import local_date
from demand.models import Need
from demand.policy import need_public
from matching.facts import lacking, need_facts, offer_facts
from matching.plan_candidates import PAIR, gather, matched_pairs
from matching.plan_scoring import COMPONENTS, entries, geography_of, score_pairs
from matching.repository import pairings_held
from matching.scoring import (
    DEFAULT_WEIGHTS,
    NeedFacts,
    OfferFacts,
    eligible,
    geography,
    has_evidence,
    score,
)
from matching.track_record import TrackFacts, track_records
from supply.models import Offer
from supply.policy import offer_public

TOLERANCE = 1e-9
SUBCATEGORIES = [
    ("special_groups", "left_behind_children"),
    ("special_groups", "left_behind_elderly"),
    ("public_services", "elderly_care"),
    ("industry", "planting"),
    ("talent", "expert_services"),
    ("consumption", "purchase"),
]
RELATED = {
    "planting": frozenset({"expert_services", "purchase"}),
    "left_behind_elderly": frozenset({"elderly_care"}),
}
"""As `matching.relations` holds them: the same for every need of a sub-category."""
WORDS = ["留守", "儿童", "托管", "苹果", "天麻", "养老", "志愿", "培训", "销售", "电商"]
KEYS = [("funds", "元"), ("goods", "套"), ("person_days", "人天"), ("purchase", "吨")]
PLACES = ["530627106201", "530627106000", "530602001001", "530628101000"]


def _assert_same(vectorised: np.ndarray, expected: list[float], what: str) -> None:
    differs = np.flatnonzero(np.abs(vectorised - np.array(expected)) > TOLERANCE)
    assert differs.size == 0, f"{what} differs at pairs {differs[:10].tolist()}"


def _compare(needs: list[NeedFacts], offers: list[OfferFacts], now: datetime) -> int:
    """Every pair of the cross product, scored both ways; returns how many are eligible."""
    i, j = (grid.ravel() for grid in np.meshgrid(np.arange(len(needs)), np.arange(len(offers))))
    places = [geography(needs[a], offers[b]) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
    found = score_pairs(
        entries(needs, offers, now), i, j, np.array(places, dtype=np.float64), DEFAULT_WEIGHTS
    )
    pairs = list(zip(i.tolist(), j.tolist(), strict=True))
    expected = [score(needs[a], offers[b], now) for a, b in pairs]
    assert found.eligible.tolist() == [eligible(needs[a], offers[b]) for a, b in pairs]
    _assert_same(found.total, [scored.total for scored in expected], "the total")
    for column, name in enumerate(COMPONENTS):
        _assert_same(found.parts[:, column], [s.parts[name] for s in expected], name.value)
    wanted = found.eligible
    assert found.evidence[wanted].tolist() == [
        has_evidence(needs[a], offers[b])
        for (a, b), keep in zip(pairs, wanted, strict=True)
        if keep
    ]
    return int(wanted.sum())


def _amounts(rng: random.Random) -> dict[tuple[str, str], Decimal]:
    keys = rng.sample(KEYS, rng.randint(0, 3))
    return {key: Decimal(rng.randint(1, 50_000)) / 100 for key in keys}


def _need(rng: random.Random, now: datetime) -> NeedFacts:
    top, sub = rng.choice(SUBCATEGORIES)
    left = _amounts(rng)
    return NeedFacts(
        category=top,
        subcategory=sub,
        tags=frozenset(rng.sample(["暑期", "托管", "助农"], rng.randint(0, 2))),
        region_code=rng.choice(PLACES),
        words=frozenset(rng.sample(WORDS, rng.randint(0, 4))),
        lacking=left,
        worth={key: Decimal(rng.randint(0, 9_000)) for key in left if rng.random() < 0.5},
        urgency=rng.choice(["red", "yellow", "green"]),
        published_at=now - timedelta(days=rng.randint(0, 90), seconds=rng.randint(0, 86_399)),
        related=RELATED.get(sub, frozenset()),
        village_pairings=rng.randint(0, 3),
        township_pairings=rng.randint(0, 3),
    )


def _offer(rng: random.Random) -> OfferFacts:
    top, sub = rng.choice(SUBCATEGORIES)
    served = ["530600000000", "530627000000", "530627106000", "530627106201", "530602000000"]
    return OfferFacts(
        category=top,
        subcategory=sub,
        tags=frozenset(rng.sample(["暑期", "托管", "助农"], rng.randint(0, 2))),
        service_codes=tuple(sorted(rng.sample(served, rng.randint(1, 2)))),
        words=frozenset(rng.sample(WORDS, rng.randint(0, 4))),
        remaining=_amounts(rng),
        track=TrackFacts(*sorted(rng.randint(0, 6) for _ in range(4))[::-1]),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_scores_equal_the_per_pair_scores_on_generated_facts(seed: int) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 6, 1, 8, tzinfo=UTC)
    needs = [_need(rng, now) for _ in range(60)]
    offers = [_offer(rng) for _ in range(50)]
    assert _compare(needs, offers, now) > 100, "enough eligible pairs to say something"


async def _demo_facts(
    session: AsyncSession, now: datetime
) -> tuple[list[Need], list[NeedFacts], list[Offer], list[OfferFacts]]:
    today = local_date(now)
    needs = list(
        (await session.scalars(select(Need).where(need_public(), Need.deadline >= today))).unique()
    )
    offers = list(
        (
            await session.scalars(select(Offer).where(offer_public(), Offer.valid_until >= today))
        ).unique()
    )
    held = await pairings_held(session, {need.township_code for need in needs})
    track = await track_records(session, {offer.organization_id for offer in offers})
    return (
        needs,
        [need_facts(need, held) for need in needs],
        offers,
        [offer_facts(offer, track[offer.organization_id]) for offer in offers],
    )


async def test_vectorised_scores_equal_the_per_pair_scores_on_the_demo(
    demo: AsyncSession,
) -> None:
    now = datetime.now(UTC)
    _, needs, _, offers = await _demo_facts(demo, now)
    assert len(needs) * len(offers) > 1000
    assert _compare(needs, offers, now) > 50


async def test_the_sql_candidates_are_the_pairs_the_rules_allow_on_the_demo(
    demo: AsyncSession,
) -> None:
    now = datetime.now(UTC)
    reviewer = await demo.scalar(select(User).where(User.username == "reviewer"))
    assert reviewer is not None
    needs, need_facts_of, offers, offer_facts_of = await _demo_facts(demo, now)
    counties = sorted({need.county_code for need in needs})
    found = await gather(
        demo,
        counties=counties,
        today=local_date(now),
        identity=Identity.of(reviewer),
        waiting=Counter(),
        busy=Counter(),
        taken=set(),
    )
    scored = score_pairs(
        entries(found.need_facts, found.offer_facts, now),
        found.pair_need,
        found.pair_offer,
        geography_of(found.pair_level),
        DEFAULT_WEIGHTS,
    )
    from_sql = {
        (found.need_ids[a], found.offer_ids[b])
        for a, b, keep in zip(
            found.pair_need.tolist(), found.pair_offer.tolist(), scored.eligible, strict=True
        )
        if keep
    }
    by_rule = {
        (need.id, offer.id)
        for need, facts in zip(needs, need_facts_of, strict=True)
        if lacking(need)
        for offer, about in zip(offers, offer_facts_of, strict=True)
        if offer.remaining_capacity > 0 and eligible(facts, about)
    }
    assert len(by_rule) > 50
    assert from_sql == by_rule
    place = {
        (n.id, o.id): geography(f, a)
        for n, f in zip(needs, need_facts_of, strict=True)
        for o, a in zip(offers, offer_facts_of, strict=True)
    }
    levels = geography_of(found.pair_level)
    assert all(
        levels[index] == place[(found.need_ids[a], found.offer_ids[b])]
        for index, (a, b) in enumerate(
            zip(found.pair_need.tolist(), found.pair_offer.tolist(), strict=True)
        )
    ), "the level of the place served is the one the rule finds"


def test_the_pairs_read_are_matched_to_the_entries_in_order_less_those_taken() -> None:
    needs, offers = sorted(uuid4() for _ in range(3)), sorted(uuid4() for _ in range(3))
    stranger = uuid4()
    read = [
        (needs[2], offers[0], 6),
        (needs[0], offers[2], 9),
        (needs[0], offers[1], 4),
        (stranger, offers[1], 12),
        (needs[1], stranger, 12),
        (needs[1], offers[2], 6),
    ]
    found = np.array([(n.bytes, o.bytes, level) for n, o, level in read], dtype=PAIR)
    # (needs[1], stranger) must not take (needs[0], offers[2]) with it: its offer is unknown
    taken = {(needs[1], offers[2]), (needs[1], stranger), (stranger, offers[0])}
    needs_at, offers_at, pair_need, pair_offer, level = matched_pairs(found, needs, offers, taken)
    assert needs_at.tolist() == [0, 2]
    assert offers_at.tolist() == [0, 1, 2]
    assert list(zip(pair_need.tolist(), pair_offer.tolist(), level.tolist(), strict=True)) == [
        (0, 1, 4),
        (0, 2, 9),
        (1, 0, 6),
    ]
