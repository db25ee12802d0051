"""The global plan of a signing event: which offers serve which needs, chosen all at once.

Pairing needs one at a time lets the first counties take the offers the last ones needed. The
bureau wants every county in scope to get at least one pairing wherever the capacities allow,
and the highest total score under that rule: a b-matching with a lower bound per county, solved
exactly as a min-cost flow

    source → offer (its capacity) → need (1 per candidate pair, cost −score)
           → county (the need's slots) → sink,  plus source → sink for unused capacity.

A first pass (max flow with one unit per county) finds a largest set of counties that can be
covered together; the second gives their county → sink arcs a lower bound of 1. Pairs below
the plan's threshold (``pair_wanted`` false) may only serve coverage: they cost more than
nothing, so they are taken only where a county could not be covered otherwise, the best of
them first. Optional caps bound the pairs per county (county → sink) and per organization
(source → organization → its offers). The solver
works in integers: a score counts as ``round(score * 10**6)``, so scores closer than 10⁻⁶ may be
taken as equal and the total is within 10⁻⁶ per chosen pair of the best one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial

import numpy as np

SCORE_SCALE = 10**6
"""Scores become integer costs in millionths."""
SOURCE, SINK = 0, 1


class Shortfall(StrEnum):
    """Why a county in scope gets no pairing."""

    NO_CANDIDATE = "no_candidate"
    """None of its needs has a candidate pair."""
    CAPACITY = "capacity"
    """Its candidates' offers cannot serve it as well as every county that is covered."""


@dataclass(frozen=True, eq=False)
class PlanProblem:
    """Needs, offers and candidate pairs as parallel arrays; checked on creation.

    Counties are plain integers (the caller's own numbering); a county in scope need not
    have any need.
    """

    need_county: np.ndarray
    need_slots: np.ndarray
    """How many pairings each need may receive, at least 1."""
    offer_capacity: np.ndarray
    """How many more pairings each offer can take, at least 0."""
    pair_need: np.ndarray
    pair_offer: np.ndarray
    pair_score: np.ndarray
    """In [0, 1]."""
    counties_in_scope: np.ndarray
    pair_wanted: np.ndarray | None = None
    """Per pair, whether it is above the plan's threshold (default: all are)."""
    county_cap: np.ndarray | None = None
    """Per county (the caller's numbering, up to the largest county), at most this many pairs."""
    offer_group: np.ndarray | None = None
    """Per offer, its organization (any integers); with ``group_cap``."""
    group_cap: np.ndarray | None = None
    """Per organization (indexed by ``offer_group``), at most this many pairs."""

    def __post_init__(self) -> None:
        store = partial(object.__setattr__, self)
        store("need_county", _integers("need_county", self.need_county, minimum=0))
        store("need_slots", _integers("need_slots", self.need_slots, minimum=1))
        store("offer_capacity", _integers("offer_capacity", self.offer_capacity, minimum=0))
        needs, offers = len(self.need_county), len(self.offer_capacity)
        store("pair_need", _integers("pair_need", self.pair_need, minimum=0, below=needs))
        store("pair_offer", _integers("pair_offer", self.pair_offer, minimum=0, below=offers))
        store("pair_score", _scores("pair_score", self.pair_score))
        store(
            "counties_in_scope",
            _integers("counties_in_scope", self.counties_in_scope, minimum=0),
        )
        if len(self.need_slots) != needs:
            raise ValueError("need_slots must have one entry per need")
        if not len(self.pair_need) == len(self.pair_offer) == len(self.pair_score):
            raise ValueError("pair_need, pair_offer and pair_score must have the same length")
        if (pair := _duplicate(self.pair_need * offers + self.pair_offer)) is not None:
            raise ValueError(
                f"duplicate candidate pair: need {pair // offers}, offer {pair % offers}"
            )
        if (county := _duplicate(self.counties_in_scope)) is not None:
            raise ValueError(f"county {county} is in scope twice")
        wanted = np.ones(len(self.pair_score), dtype=bool)
        if self.pair_wanted is not None:
            wanted = _one_dimensional("pair_wanted", self.pair_wanted).astype(bool)
            if len(wanted) != len(self.pair_score):
                raise ValueError("pair_wanted must have one entry per pair")
        store("pair_wanted", wanted)
        if self.county_cap is not None:
            store("county_cap", _integers("county_cap", self.county_cap, minimum=0))
            counties = np.concatenate([self.need_county, self.counties_in_scope])
            if counties.size and counties.max() >= len(self.county_cap):
                raise ValueError("county_cap must have an entry for every county")
        if (self.offer_group is None) != (self.group_cap is None):
            raise ValueError("offer_group and group_cap go together")
        if self.offer_group is not None and self.group_cap is not None:
            store("group_cap", _integers("group_cap", self.group_cap, minimum=0))
            store(
                "offer_group",
                _integers("offer_group", self.offer_group, minimum=0, below=len(self.group_cap)),
            )
            if len(self.offer_group) != offers:
                raise ValueError("offer_group must have one entry per offer")


@dataclass(frozen=True, eq=False)
class Plan:
    """The chosen pairs, and why the counties in scope left without one are."""

    chosen: np.ndarray
    """Indices of the chosen pairs, ascending."""
    total_score: float
    covered: frozenset[int]
    """Counties in scope with at least one chosen pair."""
    uncovered: dict[int, Shortfall]


def solve(problem: PlanProblem) -> Plan:
    """The plan with the highest total score among those that cover a largest set of counties
    in scope that can be covered together. When counties compete for the same capacity, which
    of them is covered is the coverage pass's choice (deterministic), not the scores'.

    OR-Tools is imported by the passes that use it: a process that never plans is spared its
    20 MB."""
    network = _Network.build(problem)
    in_scope = np.unique(problem.counties_in_scope)
    coverable = in_scope[_coverable(network, np.searchsorted(network.counties, in_scope))]
    flows = _cheapest_flow(network, np.searchsorted(network.counties, coverable), problem)
    chosen = np.flatnonzero(flows)
    uncovered = np.setdiff1d(in_scope, coverable)
    no_candidate = ~np.isin(uncovered, problem.need_county[problem.pair_need])
    return Plan(
        chosen=chosen,
        total_score=float(problem.pair_score[chosen].sum()),
        covered=frozenset(coverable.tolist()),
        uncovered={
            county: Shortfall.NO_CANDIDATE if none else Shortfall.CAPACITY
            for county, none in zip(uncovered.tolist(), no_candidate.tolist(), strict=True)
        },
    )


def prune_top_k(
    need_index: np.ndarray, offer_index: np.ndarray, score: np.ndarray, k: int
) -> np.ndarray:
    """Indices (ascending) of the pairs among each need's ``k`` best, to keep the network
    small; on equal scores the lower offer index wins, then the earlier pair."""
    need_index = _one_dimensional("need_index", need_index)
    offer_index = _one_dimensional("offer_index", offer_index)
    score = _one_dimensional("score", score)
    if not len(need_index) == len(offer_index) == len(score):
        raise ValueError("need_index, offer_index and score must have the same length")
    if k < 1:
        raise ValueError("k must be at least 1")
    order = np.lexsort((offer_index, -score, need_index))
    ranked_need = need_index[order]
    position = np.arange(len(order))
    starts_group = np.ones(len(order), dtype=bool)
    starts_group[1:] = ranked_need[1:] != ranked_need[:-1]
    rank = position - np.maximum.accumulate(np.where(starts_group, position, 0))
    return np.sort(order[rank < k])


@dataclass(frozen=True, eq=False)
class _Network:
    """The arcs both passes share: source → offer → need → county. Node 0 is the source,
    1 the sink, then offers, needs and counties (``counties`` holds their ids, sorted). An
    offer's capacity is capped at its number of candidates, which keeps the sums small."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    pair_arcs: slice
    counties: np.ndarray
    first_county_node: int
    total_capacity: int

    @classmethod
    def build(cls, problem: PlanProblem) -> _Network:
        offers, needs = len(problem.offer_capacity), len(problem.need_slots)
        counties, need_county = np.unique(
            np.concatenate([problem.need_county, problem.counties_in_scope]), return_inverse=True
        )
        offer_nodes = np.arange(2, 2 + offers)
        need_nodes = np.arange(2 + offers, 2 + offers + needs)
        first_county_node = 2 + offers + needs
        capacity = np.minimum(
            problem.offer_capacity, np.bincount(problem.pair_offer, minlength=offers)
        )
        pairs = len(problem.pair_score)
        offer_tails = np.full(offers, SOURCE)
        group_arcs = (np.zeros(0, dtype=np.int64),) * 3
        if problem.offer_group is not None and problem.group_cap is not None:
            first_group_node = first_county_node + len(counties)
            offer_tails = first_group_node + problem.offer_group
            groups = len(problem.group_cap)
            group_arcs = (
                np.full(groups, SOURCE),
                first_group_node + np.arange(groups),
                np.minimum(
                    problem.group_cap,
                    np.bincount(problem.offer_group, weights=capacity, minlength=groups),
                ).astype(np.int64),
            )
        scores = np.rint(problem.pair_score * SCORE_SCALE).astype(np.int64)
        wanted = problem.pair_wanted
        assert wanted is not None, "validation fills it in"
        return cls(
            tails=np.concatenate(
                [offer_tails, offer_nodes[problem.pair_offer], need_nodes, group_arcs[0]]
            ).astype(np.int32),
            heads=np.concatenate(
                [
                    offer_nodes,
                    need_nodes[problem.pair_need],
                    first_county_node + need_county[:needs],
                    group_arcs[1],
                ]
            ).astype(np.int32),
            capacities=np.concatenate(
                [capacity, np.ones(pairs, dtype=np.int64), problem.need_slots, group_arcs[2]]
            ),
            costs=np.concatenate(
                [
                    np.zeros(offers, dtype=np.int64),
                    # below the threshold: a cost, lower for a better pair, never a gain
                    np.where(wanted, -scores, 1 + SCORE_SCALE - scores),
                    np.zeros(needs + len(group_arcs[0]), dtype=np.int64),
                ]
            ),
            pair_arcs=slice(offers, offers + pairs),
            counties=counties,
            first_county_node=first_county_node,
            total_capacity=int(capacity.sum()),
        )


def _coverable(network: _Network, in_scope: np.ndarray) -> np.ndarray:
    """A mask over ``in_scope`` (county positions) of a largest set that can be covered
    together: a max flow where each county passes one unit to the sink."""
    from ortools.graph.python.max_flow import SimpleMaxFlow  # see `solve`

    solver = SimpleMaxFlow()
    solver.add_arcs_with_capacity(
        np.concatenate([network.tails, network.first_county_node + in_scope]).astype(np.int32),
        np.concatenate([network.heads, np.full(len(in_scope), SINK)]).astype(np.int32),
        np.concatenate([network.capacities, np.ones(len(in_scope), dtype=np.int64)]),
    )
    status = solver.solve(SOURCE, SINK)
    if status != SimpleMaxFlow.OPTIMAL:
        raise RuntimeError(f"coverage max flow ended with {status.name}")
    county_arcs = np.arange(len(network.tails), len(network.tails) + len(in_scope))
    return np.asarray(solver.flows(county_arcs.astype(np.int32))) > 0


def _cheapest_flow(network: _Network, covered: np.ndarray, problem: PlanProblem) -> np.ndarray:
    """The flow on each pair arc of a min-cost flow in which every county position in
    ``covered`` receives at least one unit.

    A lower bound of 1 on county → sink becomes a demand of 1 at the county and one unit less
    at the sink; the bypass lets the source's unused supply reach the sink at no cost.
    """
    counties = len(network.counties)
    supply = network.total_capacity
    lower = np.zeros(counties, dtype=np.int64)
    lower[covered] = 1
    upper = np.full(counties, supply, dtype=np.int64)
    if problem.county_cap is not None:
        upper = np.minimum(upper, np.maximum(problem.county_cap[network.counties], lower))
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow  # see `solve`

    solver = SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(
            [network.tails, network.first_county_node + np.arange(counties), [SOURCE]]
        ).astype(np.int32),
        np.concatenate([network.heads, np.full(counties + 1, SINK)]).astype(np.int32),
        np.concatenate([network.capacities, upper - lower, [supply]]),
        np.concatenate([network.costs, np.zeros(counties + 1, dtype=np.int64)]),
    )
    solver.set_nodes_supplies(
        np.concatenate([[SOURCE, SINK], network.first_county_node + covered]).astype(np.int32),
        np.concatenate([[supply, len(covered) - supply], -np.ones(len(covered), dtype=np.int64)]),
    )
    status = solver.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"plan min-cost flow ended with {status.name}")
    pair_arcs = np.arange(network.pair_arcs.start, network.pair_arcs.stop, dtype=np.int32)
    return np.asarray(solver.flows(pair_arcs))


def _integers(name: str, values: object, minimum: int, below: int | None = None) -> np.ndarray:
    array = _one_dimensional(name, values)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, not {array.dtype}")
    if array.size and array.min() < minimum:
        raise ValueError(f"{name} must be at least {minimum}")
    if below is not None and array.size and array.max() >= below:
        raise ValueError(f"{name} must be below {below}")
    return array.astype(np.int64)


def _scores(name: str, values: object) -> np.ndarray:
    array = _one_dimensional(name, values)
    if array.size and not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise ValueError(f"{name} must hold real numbers, not {array.dtype}")
    array = array.astype(np.float64)
    if not np.all((array >= 0) & (array <= 1)):
        raise ValueError(f"{name} must lie in [0, 1]")
    return array


def _one_dimensional(name: str, values: object) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return array


def _duplicate(keys: np.ndarray) -> int | None:
    """A value that occurs more than once, if any."""
    ordered = np.sort(keys)
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    return int(ordered[repeated[0]]) if repeated.size else None
