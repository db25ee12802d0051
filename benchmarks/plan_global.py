"""The global signing-event planner on synthetic instances the size of a city and a province.

Needs lie in counties of very unequal size (a few large, many small); each offer has a home
county, and the smallest tenth of the counties have no offer of their own. A need's candidates
are offers of its own county (two thirds) and of any county, with a score in [0, 1] that
favours the own county; they are pruned to the need's k best. Capacities are tight (half the
slots in the city, a third in the province), so without the coverage rule the best plan leaves
some counties empty (last column). One more county in scope has no need at all. Each scale runs
in a process of its own so that its peak memory is its own; times are medians of the runs.

    uv run python benchmarks/plan_global.py [--runs 3] [--scale city|province]
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from matching import planner  # noqa: E402


@dataclass(frozen=True)
class Scale:
    needs: int
    offers: int
    counties: int
    candidates_per_need: int
    k: int
    target_seconds: float


SCALES = {
    "city": Scale(3_000, 2_000, 11, 150, 50, 1.0),
    "province": Scale(70_000, 30_000, 129, 60, 20, 15.0),
}
MEMORY_TARGET_GIB = 4.0


def instance(scale: Scale, seed: int = 7) -> planner.PlanProblem:
    """The problem with every candidate, before pruning."""
    rng = np.random.default_rng(seed)
    weight = 1 / np.arange(1, scale.counties + 1) ** 0.8
    weight /= weight.sum()
    need_county = rng.choice(scale.counties, size=scale.needs, p=weight)
    home_weight = weight.copy()
    home_weight[-scale.counties // 10 :] = 0
    offer_county = np.sort(
        rng.choice(scale.counties, size=scale.offers, p=home_weight / home_weight.sum())
    )
    first_offer = np.searchsorted(offer_county, np.arange(scale.counties))
    offers_in = np.bincount(offer_county, minlength=scale.counties)
    need_slots = rng.integers(1, 4, size=scale.needs)
    offer_capacity = rng.integers(0, 4, size=scale.offers)
    draws = scale.needs * scale.candidates_per_need
    pair_need = np.repeat(np.arange(scale.needs), scale.candidates_per_need)
    home = rng.random(draws) < 2 / 3
    home &= offers_in[need_county[pair_need]] > 0
    pair_offer = rng.integers(0, scale.offers, size=draws)
    county = need_county[pair_need[home]]
    pair_offer[home] = first_offer[county] + (rng.random(home.sum()) * offers_in[county]).astype(
        np.int64
    )
    _, first = np.unique(pair_need * scale.offers + pair_offer, return_index=True)
    pair_need, pair_offer = pair_need[first], pair_offer[first]
    same = offer_county[pair_offer] == need_county[pair_need]
    pair_score = 0.3 * same + 0.7 * rng.beta(2, 3, size=len(first))
    return planner.PlanProblem(
        need_county=need_county,
        need_slots=need_slots,
        offer_capacity=offer_capacity,
        pair_need=pair_need,
        pair_offer=pair_offer,
        pair_score=pair_score,
        counties_in_scope=np.arange(scale.counties + 1),
    )


def pruned(problem: planner.PlanProblem, keep: np.ndarray) -> planner.PlanProblem:
    return planner.PlanProblem(
        need_county=problem.need_county,
        need_slots=problem.need_slots,
        offer_capacity=problem.offer_capacity,
        pair_need=problem.pair_need[keep],
        pair_offer=problem.pair_offer[keep],
        pair_score=problem.pair_score[keep],
        counties_in_scope=problem.counties_in_scope,
    )


def measure(name: str, runs: int) -> dict[str, float | int | str]:
    scale = SCALES[name]
    full = instance(scale)
    prune_times, build_times, solve_times = [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        keep = planner.prune_top_k(full.pair_need, full.pair_offer, full.pair_score, scale.k)
        prune_times.append(time.perf_counter() - began)
        problem = pruned(full, keep)
        began = time.perf_counter()
        planner._Network.build(problem)
        build_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        plan = planner.solve(problem)
        solve_times.append(time.perf_counter() - began)
    unconstrained = planner.solve(
        dataclasses.replace(problem, counties_in_scope=np.array([], dtype=np.int64))
    )
    reached = np.unique(problem.need_county[problem.pair_need[unconstrained.chosen]])
    return {
        "scale": name,
        "candidates": len(full.pair_score),
        "pairs": len(problem.pair_score),
        "prune": statistics.median(prune_times),
        "build": statistics.median(build_times),
        "solve": statistics.median(solve_times),
        "target": scale.target_seconds,
        "memory_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "objective": plan.total_score,
        "chosen": len(plan.chosen),
        "covered": len(plan.covered),
        "counties": scale.counties,
        "uncovered": ", ".join(f"{c}: {r}" for c, r in sorted(plan.uncovered.items())) or "—",
        "empty_without_rule": scale.counties - len(reached),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", choices=sorted(SCALES), action="append")
    arguments = parser.parse_args()
    rows = []
    for name in arguments.scale or list(SCALES):
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            rows.append(pool.submit(measure, name, arguments.runs).result())
    print(
        "| scale | candidates → pruned pairs | prune s | build s | solve s, build included (target) "
        "| peak memory GiB | objective | chosen pairs | counties covered | uncovered "
        "| counties empty without the rule |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        print(
            f"| {r['scale']} | {r['candidates']:,} → {r['pairs']:,} | {r['prune']:.2f} "
            f"| {r['build']:.2f} | {r['solve']:.2f} (< {r['target']:.0f}) "
            f"| {r['memory_gib']:.2f} (< {MEMORY_TARGET_GIB:.0f}) | {r['objective']:,.1f} "
            f"| {r['chosen']:,} | {r['covered']} / {r['counties'] + 1} | {r['uncovered']} "
            f"| {r['empty_without_rule']} |"
        )


if __name__ == "__main__":
    main()
