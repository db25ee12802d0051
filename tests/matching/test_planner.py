"""The global planner against optima found another way: every subset of pairs on hand-made
instances, SciPy's HiGHS linear program on random ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from matching.planner import Plan, PlanProblem, Shortfall, prune_top_k, solve


def problem(
    need_county: list[int],
    offer_capacity: list[int],
    pairs: list[tuple[int, int, float]],
    scope: list[int],
    need_slots: list[int] | None = None,
) -> PlanProblem:
    need, offer, score = zip(*pairs, strict=True) if pairs else ((), (), ())
    return PlanProblem(
        need_county=np.array(need_county, dtype=np.int64),
        need_slots=np.array(need_slots or [1] * len(need_county), dtype=np.int64),
        offer_capacity=np.array(offer_capacity, dtype=np.int64),
        pair_need=np.array(need, dtype=np.int64),
        pair_offer=np.array(offer, dtype=np.int64),
        pair_score=np.array(score, dtype=np.float64),
        counties_in_scope=np.array(scope, dtype=np.int64),
    )


def violations(problem: PlanProblem, plan: Plan) -> list[str]:
    """Every constraint the plan breaks, each checked on its own."""
    found = []
    chosen = plan.chosen
    if len(np.unique(chosen)) != len(chosen):
        found.append("a pair chosen twice")
    if len(chosen) and (chosen.min() < 0 or chosen.max() >= len(problem.pair_score)):
        found.append("a chosen index outside the pairs")
    per_need = np.bincount(problem.pair_need[chosen], minlength=len(problem.need_slots))
    found += [f"need {i} over its slots" for i in np.flatnonzero(per_need > problem.need_slots)]
    per_offer = np.bincount(problem.pair_offer[chosen], minlength=len(problem.offer_capacity))
    found += [
        f"offer {j} over its capacity" for j in np.flatnonzero(per_offer > problem.offer_capacity)
    ]
    reached = set(problem.need_county[problem.pair_need[chosen]].tolist())
    found += [f"county {c} covered but without pairs" for c in plan.covered - reached]
    scope = set(problem.counties_in_scope.tolist())
    found += [f"county {c} uncovered but reached" for c in set(plan.uncovered) & reached]
    if plan.covered | set(plan.uncovered) != scope or plan.covered & set(plan.uncovered):
        found.append("covered and uncovered do not split the scope")
    with_candidates = set(problem.need_county[problem.pair_need].tolist())
    found += [
        f"county {c} reported {reason}"
        for c, reason in plan.uncovered.items()
        if (reason is Shortfall.NO_CANDIDATE) == (c in with_candidates)
    ]
    if not np.isclose(plan.total_score, problem.pair_score[chosen].sum()):
        found.append("total score is not the sum of the chosen scores")
    return found


def brute_force(problem: PlanProblem) -> tuple[int, dict[frozenset[int], float]]:
    """Over every subset of pairs that respects slots and capacities: the most counties in
    scope covered at once, and the best score for each covered set."""
    pairs = len(problem.pair_score)
    subsets = (np.arange(2**pairs)[:, None] >> np.arange(pairs) & 1).astype(bool)
    counts = subsets.astype(np.int64)
    need_use = counts @ (problem.pair_need[:, None] == np.arange(len(problem.need_slots)))
    offer_use = counts @ (problem.pair_offer[:, None] == np.arange(len(problem.offer_capacity)))
    feasible = np.all(need_use <= problem.need_slots, axis=1) & np.all(
        offer_use <= problem.offer_capacity, axis=1
    )
    pair_county = problem.need_county[problem.pair_need]
    best: dict[frozenset[int], float] = {}
    for subset in subsets[feasible]:
        covered = frozenset(set(pair_county[subset].tolist()) & set(problem.counties_in_scope))
        best[covered] = max(best.get(covered, 0.0), problem.pair_score[subset].sum())
    return max(map(len, best)), best


def assert_optimal_by_brute_force(problem: PlanProblem, plan: Plan) -> None:
    most, best = brute_force(problem)
    assert len(plan.covered) == most
    assert plan.total_score == pytest.approx(
        max(score for covered, score in best.items() if covered >= plan.covered)
    )
    assert violations(problem, plan) == []


def test_coverage_forces_a_lower_scoring_choice() -> None:
    # Need 0 (county 0, two slots) would take both offers: 0.9 + 0.8. Covering county 1
    # gives it offer 1 instead: 0.9 + 0.1.
    pairs = [(0, 0, 0.9), (0, 1, 0.8), (1, 1, 0.1)]
    free = solve(problem([0, 1], [1, 1], pairs, scope=[], need_slots=[2, 1]))
    assert free.chosen.tolist() == [0, 1]
    assert free.total_score == pytest.approx(1.7)

    covering = problem([0, 1], [1, 1], pairs, scope=[0, 1], need_slots=[2, 1])
    plan = solve(covering)
    assert plan.chosen.tolist() == [0, 2]
    assert plan.total_score == pytest.approx(1.0)
    assert plan.covered == {0, 1}
    assert plan.uncovered == {}
    assert_optimal_by_brute_force(covering, plan)


def test_counties_without_candidates_are_reported() -> None:
    # County 2 has a need with no candidate; county 7 has no need at all.
    instance = problem(
        [0, 1, 2], [1, 2], [(0, 0, 0.5), (0, 1, 0.6), (1, 1, 0.2)], scope=[0, 1, 2, 7]
    )
    plan = solve(instance)
    assert plan.covered == {0, 1}
    assert plan.uncovered == {2: Shortfall.NO_CANDIDATE, 7: Shortfall.NO_CANDIDATE}
    assert plan.uncovered == {2: "no_candidate", 7: "no_candidate"}
    assert plan.total_score == pytest.approx(0.8)
    assert_optimal_by_brute_force(instance, plan)


def test_two_counties_competing_for_one_offer() -> None:
    instance = problem([0, 1], [1], [(0, 0, 0.4), (1, 0, 0.7)], scope=[0, 1])
    plan = solve(instance)
    assert len(plan.covered) == 1
    assert list(plan.uncovered.values()) == [Shortfall.CAPACITY]
    assert len(plan.chosen) == 1
    assert_optimal_by_brute_force(instance, plan)


def test_competition_leaves_room_for_every_county_it_can() -> None:
    # County 1 can only use offer 0 and county 2 only offer 1: county 0 gives up its 0.9 on
    # offer 0 and takes offer 1's other unit (0.8, not 0.3).
    instance = problem(
        [0, 1, 2, 0],
        [1, 2],
        [(0, 0, 0.9), (0, 1, 0.3), (1, 0, 0.2), (2, 1, 0.1), (3, 1, 0.8)],
        scope=[0, 1, 2],
    )
    plan = solve(instance)
    assert plan.covered == {0, 1, 2}
    assert sorted(plan.chosen.tolist()) == [2, 3, 4]
    assert_optimal_by_brute_force(instance, plan)


def test_candidates_without_capacity_count_as_capacity() -> None:
    instance = problem([0, 1], [1, 0], [(0, 0, 0.5), (1, 1, 0.9)], scope=[0, 1])
    plan = solve(instance)
    assert plan.uncovered == {1: Shortfall.CAPACITY}
    assert plan.chosen.tolist() == [0]


def test_slots_and_capacities_are_respected() -> None:
    # Need 0 may take two of three good offers; offer 3 may serve two of three needs.
    pairs = [(0, 0, 0.9), (0, 1, 0.8), (0, 2, 0.7), (1, 3, 0.6), (2, 3, 0.5), (3, 3, 0.4)]
    instance = problem([0, 0, 0, 0], [1, 1, 1, 2], pairs, scope=[0], need_slots=[2, 1, 1, 1])
    plan = solve(instance)
    assert plan.chosen.tolist() == [0, 1, 3, 4]
    assert plan.total_score == pytest.approx(2.8)
    assert_optimal_by_brute_force(instance, plan)


def test_an_empty_problem_has_an_empty_plan() -> None:
    plan = solve(problem([], [], [], scope=[3]))
    assert plan.chosen.tolist() == []
    assert plan.total_score == 0
    assert plan.covered == frozenset()
    assert plan.uncovered == {3: Shortfall.NO_CANDIDATE}


def test_counties_out_of_scope_still_get_pairings() -> None:
    instance = problem([0, 1], [2], [(0, 0, 0.5), (1, 0, 0.6)], scope=[0])
    plan = solve(instance)
    assert plan.chosen.tolist() == [0, 1]
    assert plan.covered == {0}


BASE: dict[str, Any] = {
    "need_county": [0, 1],
    "need_slots": [1, 2],
    "offer_capacity": [1, 0],
    "pair_need": [0, 1],
    "pair_offer": [1, 1],
    "pair_score": [0.5, 1.0],
    "counties_in_scope": [0, 1],
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("need_county", [[0, 1]], "need_county must be one-dimensional"),
        ("need_county", [0.0, 1.0], "need_county must hold integers"),
        ("need_county", [True, False], "need_county must hold integers"),
        ("need_county", [0, -1], "need_county must be at least 0"),
        ("need_slots", [1, 0], "need_slots must be at least 1"),
        ("need_slots", [1], "need_slots must have one entry per need"),
        ("offer_capacity", [-1, 0], "offer_capacity must be at least 0"),
        ("pair_need", [0, 2], "pair_need must be below 2"),
        ("pair_offer", [0, 2], "pair_offer must be below 2"),
        ("pair_offer", [0], "must have the same length"),
        ("pair_score", [0.5], "must have the same length"),
        ("pair_score", [0.5, 1.5], r"pair_score must lie in \[0, 1\]"),
        ("pair_score", [-0.1, 0.5], r"pair_score must lie in \[0, 1\]"),
        ("pair_score", [np.nan, 0.5], r"pair_score must lie in \[0, 1\]"),
        ("pair_score", ["a", "b"], "pair_score must hold real numbers"),
        ("pair_need", [1, 1], "duplicate candidate pair: need 1, offer 1"),
        ("counties_in_scope", [0, 1, 0], "county 0 is in scope twice"),
        ("counties_in_scope", [-2], "counties_in_scope must be at least 0"),
    ],
)
def test_invalid_problems_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PlanProblem(**{name: np.array(v) for name, v in {**BASE, field: value}.items()})


def test_prune_keeps_each_needs_best_with_ties_by_offer_then_position() -> None:
    need = np.array([1, 0, 1, 1, 0, 1, 1, 2])
    offer = np.array([5, 0, 3, 2, 1, 4, 2, 0])
    score = np.array([0.9, 0.1, 0.5, 0.5, 0.8, 0.5, 0.5, 0.3])
    # Need 1: 0.9 (pair 0), then 0.5 from offers 2 (pairs 3 and 6), 3, 4.
    assert prune_top_k(need, offer, score, k=2).tolist() == [0, 1, 3, 4, 7]
    assert prune_top_k(need, offer, score, k=3).tolist() == [0, 1, 3, 4, 6, 7]
    assert prune_top_k(need, offer, score, k=10).tolist() == list(range(8))
    assert prune_top_k(np.array([], int), np.array([], int), np.array([]), k=3).tolist() == []


def test_prune_does_not_depend_on_the_order_of_the_pairs() -> None:
    rng = np.random.default_rng(3)
    need, offer = np.divmod(rng.choice(200, size=120, replace=False), 20)
    score = np.round(rng.random(120), 1)
    kept = prune_top_k(need, offer, score, 4)
    shuffled = rng.permutation(120)
    again = shuffled[prune_top_k(need[shuffled], offer[shuffled], score[shuffled], 4)]
    assert sorted(again.tolist()) == kept.tolist()
    assert np.bincount(need[kept]).max() == 4


@pytest.mark.parametrize(
    ("need", "offer", "score", "k", "message"),
    [
        ([0, 1], [0], [0.1, 0.2], 1, "same length"),
        ([[0, 1]], [[0, 1]], [[0.1, 0.2]], 1, "one-dimensional"),
        ([0, 1], [0, 1], [0.1, 0.2], 0, "k must be at least 1"),
    ],
)
def test_prune_refuses_bad_input(
    need: list[int], offer: list[int], score: list[float], k: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        prune_top_k(np.array(need), np.array(offer), np.array(score), k)


def random_problem(seed: int) -> PlanProblem:
    rng = np.random.default_rng(seed)
    needs, offers, counties = rng.integers(1, 8), rng.integers(1, 5), rng.integers(1, 6)
    flat = rng.choice(needs * offers, size=rng.integers(1, min(14, needs * offers) + 1))
    flat = np.unique(flat)
    score = rng.random(len(flat))
    if seed % 2:
        score = np.round(score, 1)
    return PlanProblem(
        need_county=rng.integers(0, counties, size=needs),
        need_slots=rng.integers(1, 4, size=needs),
        offer_capacity=rng.integers(0, 3, size=offers),
        pair_need=flat // offers,
        pair_offer=flat % offers,
        pair_score=score,
        counties_in_scope=np.flatnonzero(rng.random(counties + 1) < 0.7),
    )


def capacity_rows(problem: PlanProblem) -> tuple[np.ndarray, np.ndarray]:
    needs = problem.pair_need[None, :] == np.arange(len(problem.need_slots))[:, None]
    offers = problem.pair_offer[None, :] == np.arange(len(problem.offer_capacity))[:, None]
    return (
        np.vstack([needs, offers]).astype(float),
        np.concatenate([problem.need_slots, problem.offer_capacity]).astype(float),
    )


def county_rows(problem: PlanProblem, counties: np.ndarray) -> np.ndarray:
    return (problem.need_county[problem.pair_need][None, :] == counties[:, None]).astype(float)


def lp_best_score(problem: PlanProblem, covered: frozenset[int]) -> float:
    rows, bounds = capacity_rows(problem)
    coverage = county_rows(problem, np.array(sorted(covered), dtype=np.int64))
    result = linprog(
        -problem.pair_score,
        A_ub=np.vstack([rows, -coverage]),
        b_ub=np.concatenate([bounds, -np.ones(len(coverage))]),
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0
    return -result.fun


def lp_most_counties(problem: PlanProblem) -> float:
    """max Σ y_c with y_c ≤ 1 and y_c ≤ pairs into county c (an integral network LP)."""
    rows, bounds = capacity_rows(problem)
    scope = problem.counties_in_scope
    pairs = len(problem.pair_score)
    result = linprog(
        np.concatenate([np.zeros(pairs), -np.ones(len(scope))]),
        A_ub=np.vstack(
            [
                np.hstack([rows, np.zeros((len(rows), len(scope)))]),
                np.hstack([-county_rows(problem, scope), np.eye(len(scope))]),
            ]
        ),
        b_ub=np.concatenate([bounds, np.zeros(len(scope))]),
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0
    return -result.fun


@pytest.mark.parametrize("seed", range(200))
def test_random_plans_match_the_linear_program(seed: int) -> None:
    instance = random_problem(seed)
    plan = solve(instance)
    assert violations(instance, plan) == []
    assert len(plan.covered) == pytest.approx(lp_most_counties(instance), abs=1e-9)
    tolerance = 1e-6 * len(instance.pair_score)
    assert abs(plan.total_score - lp_best_score(instance, plan.covered)) <= tolerance


def test_pairs_below_the_threshold_only_cover_a_county() -> None:
    """County 0 has a good pair; county 1 only weak ones: the best weak one covers it, and
    no other weak pair is added however much capacity is left."""
    instance = PlanProblem(
        **{
            **vars(problem([0, 1, 1], [3], [(0, 0, 0.9), (1, 0, 0.3), (2, 0, 0.4)], [0, 1])),
            "pair_wanted": np.array([True, False, False]),
        }
    )
    plan = solve(instance)
    assert plan.chosen.tolist() == [0, 2]
    assert plan.covered == frozenset({0, 1})
    out_of_scope = PlanProblem(
        **{**vars(instance), "counties_in_scope": np.array([0], dtype=np.int64)}
    )
    assert solve(out_of_scope).chosen.tolist() == [0], "weak pairs never fill a plan"


def test_caps_per_county_and_per_organization() -> None:
    pairs = [(0, 0, 0.9), (1, 0, 0.8), (2, 1, 0.7), (3, 1, 0.6)]
    base = problem([0, 0, 0, 1], [2, 2], pairs, [0, 1])
    assert solve(base).chosen.tolist() == [0, 1, 2, 3]
    capped = PlanProblem(**{**vars(base), "county_cap": np.array([2, 5], dtype=np.int64)})
    assert solve(capped).chosen.tolist() == [0, 1, 3], "county 0 keeps its two best"
    one_organization = PlanProblem(
        **{
            **vars(base),
            "offer_group": np.array([0, 0], dtype=np.int64),
            "group_cap": np.array([2], dtype=np.int64),
        }
    )
    plan = solve(one_organization)
    assert plan.chosen.tolist() == [0, 3], "two pairs at most, and county 1 still covered"
    assert violations(one_organization, plan) == []


def test_caps_and_thresholds_are_checked() -> None:
    base = problem([0], [1], [(0, 0, 0.5)], [0])
    with pytest.raises(ValueError, match="pair_wanted"):
        PlanProblem(**{**vars(base), "pair_wanted": np.array([True, False])})
    with pytest.raises(ValueError, match="go together"):
        PlanProblem(**{**vars(base), "offer_group": np.array([0])})
    with pytest.raises(ValueError, match="county_cap"):
        PlanProblem(**{**vars(base), "county_cap": np.array([], dtype=np.int64)})
