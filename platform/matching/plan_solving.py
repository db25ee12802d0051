"""Solving a signing event's plan: scoring and pruning the candidates, the event's caps as the
planner's arrays, and what a plan came to (`PlanOutcome`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import numpy as np

from matching.models import PlanPair, SigningEvent
from matching.plan_candidates import Candidates
from matching.planner import prune_top_k
from matching.scoring import Component

if TYPE_CHECKING:
    from matching.plan_scoring import PairScores


@dataclass(frozen=True)
class PlanOutcome:
    """What a plan came to, with the time each part took."""

    pairs: int
    total_score: float
    counties: int
    covered: int
    uncovered: dict[str, str]
    candidates: int
    """Pairs that could be paired, before pruning."""
    kept_candidates: int
    """Eligible pairs among each need's best ``k``: what the solver chose from."""
    read_seconds: float
    score_seconds: float
    solver_seconds: float
    seconds: float


def caps(
    event: SigningEvent, kept: list[PlanPair], counties: list[str], offer_organizations: list[UUID]
) -> dict[str, np.ndarray]:
    """The event's caps per county and per organization, less what kept pairs already use."""
    caps: dict[str, np.ndarray] = {}
    if event.county_cap is not None:
        in_county = Counter(pair.county_code for pair in kept)
        caps["county_cap"] = np.array(
            [max(0, event.county_cap - in_county[code]) for code in counties], dtype=np.int64
        )
    if event.organization_cap is not None:
        used = Counter(pair.offer.organization_id for pair in kept)
        organizations = sorted(set(offer_organizations))
        group = {organization: index for index, organization in enumerate(organizations)}
        caps["offer_group"] = np.array(
            [group[organization] for organization in offer_organizations], dtype=np.int64
        )
        caps["group_cap"] = np.array(
            [max(0, event.organization_cap - used[o]) for o in organizations], dtype=np.int64
        )
    return caps


def score_and_prune(
    found: Candidates,
    k: int,
    now: datetime,
    weights: Mapping[Component, float],
    min_score: float,
) -> tuple[PairScores, np.ndarray, np.ndarray]:
    """The candidates' scores, the eligible ones among each need's best ``k``, and which
    are above the plan's threshold. SciPy is imported here, where the plan needs it: a process
    that never plans is spared its 25 MB."""
    from matching.plan_scoring import entries, geography_of, score_pairs

    scored = score_pairs(
        entries(found.need_facts, found.offer_facts, now),
        found.pair_need,
        found.pair_offer,
        geography_of(found.pair_level),
        weights,
    )
    eligible = np.flatnonzero(scored.eligible)
    pruned = eligible[
        prune_top_k(
            found.pair_need[eligible],
            found.pair_offer[eligible],
            np.clip(scored.total[eligible], 0.0, 1.0),
            k,
        )
    ]
    wanted = (scored.total >= min_score) & scored.evidence
    return scored, pruned, wanted
