"""The embedded engine's CPU per search, in process, for the shapes `search_shapes` lists.

``EmbeddedSearch.search`` with every facet (as the API asks) is called ``--searches`` times per
shape in a round; a round reports ``time.process_time()`` per search. The index is the demo
plus ``--documents`` synthetic documents, built as `search_service` builds it into ``--var``
when that directory holds none yet (a few minutes), reused otherwise.

With ``--before DIR`` (an export of older code: ``git archive REV platform | tar -x -C DIR``)
a worker process of each version runs in turn, ``--runs`` times, and the medians are printed
side by side: the machine's speed drifts, so the versions are compared alternately.

    uv run python benchmarks/search_engine_cpu.py --var /tmp/engine --before ../older
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from search_shapes import QUERIES

ROOT = Path(__file__).resolve().parents[1]


async def _rounds(index: Path, rounds: int, searches: int) -> dict[str, float]:
    """Median CPU per search (ms) of each shape over the rounds (run in a worker)."""
    from search.backend import Facet, SearchFilters, SearchQuery, Sort
    from search.embedded import EmbeddedSearch

    queries = {
        name: SearchQuery(
            text=shape.get("q", ""),
            filters=SearchFilters(
                county=shape.get("county"),  # type: ignore[arg-type]
                kind=shape.get("kind"),  # type: ignore[arg-type]
            ),
            facets=frozenset(Facet),
            sort=Sort(shape.get("sort", "relevance")),
            page=int(shape.get("page", 1)),
        )
        for name, shape in QUERIES.items()
    }
    search = EmbeddedSearch(index)
    try:
        for query in queries.values():
            await search.search(query)
        spent: dict[str, list[float]] = {name: [] for name in queries}
        for _ in range(rounds):
            for name, query in queries.items():
                began = time.process_time()
                for _ in range(searches):
                    await search.search(query)
                spent[name].append((time.process_time() - began) / searches * 1000)
    finally:
        await search.close()
    return {name: statistics.median(values) for name, values in spent.items()}


def _worker(code: Path, index: Path, rounds: int, searches: int) -> dict[str, float]:
    """One worker process on the code under ``code`` (a directory holding ``platform``)."""
    command = [sys.executable, __file__, "--worker", "--var", str(index.parent)]
    command += ["--rounds", str(rounds), "--searches", str(searches)]
    env = {**os.environ, "PYTHONPATH": str(code / "platform")}
    answer = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, required=True, help="where the index is (or goes)")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=6, help="worker processes per version")
    parser.add_argument("--rounds", type=int, default=3, help="per worker")
    parser.add_argument("--searches", type=int, default=20, help="per shape and round")
    parser.add_argument("--before", type=Path, help="an export of the code to compare with")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    index = arguments.var / "search"
    if arguments.worker:
        result = asyncio.run(_rounds(index, arguments.rounds, arguments.searches))
        print(json.dumps(result))
        return
    if not index.exists():
        sys.path[:0] = [str(ROOT / "platform"), str(ROOT / "benchmarks")]
        from search_service import prepare

        arguments.var.mkdir(parents=True, exist_ok=True)
        asyncio.run(prepare(arguments.var, arguments.documents))
    versions = {"after": ROOT}
    if arguments.before is not None:
        versions = {"before": arguments.before.resolve(), **versions}
    runs: dict[str, list[dict[str, float]]] = {label: [] for label in versions}
    for _ in range(arguments.runs):
        for label, code in versions.items():
            runs[label].append(_worker(code, index, arguments.rounds, arguments.searches))
    print("| shape | " + " | ".join(f"{label} ms/search" for label in versions) + " |")
    print("| --- |" + " ---: |" * len(versions))
    for name in QUERIES:
        medians = [statistics.median(run[name] for run in runs[label]) for label in versions]
        print(f"| {name} | " + " | ".join(f"{value:.2f}" for value in medians) + " |")


if __name__ == "__main__":
    main()
