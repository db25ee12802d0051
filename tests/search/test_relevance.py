"""Judged relevance over the demo catalogue, indexed the way production indexes it (migrations,
demo loader, reindex from the database): the queries of ``relevance.yaml`` (keywords, written
with the engine) and ``relevance_people.yaml`` (written as station and organization staff type,
by someone who never read the analyser; kept as delivered) must find their expected entries in
the top ten.

Per query: recall@10 is the share of its expected titles in the top ten, its reciprocal rank
one over the rank of the first expected title there (0 if none). Over the combined set the
targets are recall@10 ≥ 0.9 (≥ 0.8 for sentences), MRR ≥ 0.75, at most 5% of the queries
answering nothing, and no title of ``not_expect`` (a homophone's entry) in a top ten. Run with
``-s`` to see the table per class.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.workflow import EntryState
from demand.models import Need
from search.backend import SearchQuery
from search.embedded import EmbeddedSearch
from search.indexer import reindex
from supply.models import Offer

HERE = Path(__file__).parent
KEYWORDS = "keyword"
"""The class of the items of ``relevance.yaml`` that name none."""
USER_TYPED = {"sentence", "traditional", "fullwidth", "typo", "dialect"}
JUDGEMENTS = [
    {"class": KEYWORDS, **item}
    for name in ("relevance.yaml", "relevance_people.yaml")
    for item in yaml.safe_load((HERE / name).read_text("utf-8"))
]
TOP = 10
TARGETS = {"recall": 0.9, "sentence recall": 0.8, "mrr": 0.75, "answering nothing": 0.05}


@dataclass
class Outcome:
    query: str
    kind: str
    recall: float
    reciprocal_rank: float
    answered_nothing: bool
    confused: list[str]
    top: list[str]


@pytest.fixture(scope="module")
async def demo_search(
    tmp_path_factory: pytest.TempPathFactory, demo_database: async_sessionmaker[AsyncSession]
) -> AsyncIterator[tuple[EmbeddedSearch, set[str]]]:
    """The demo indexed, and its published titles."""
    backend = EmbeddedSearch(tmp_path_factory.mktemp("relevance") / "search")
    try:
        await reindex(demo_database, backend)
        async with demo_database() as session:
            titles = set()
            for model in (Need, Offer):
                titles |= set(
                    await session.scalars(
                        select(model.title).where(model.state == EntryState.PUBLISHED)
                    )
                )
        yield backend, titles
    finally:
        await backend.close()


@pytest.fixture(scope="module")
async def outcomes(demo_search: tuple[EmbeddedSearch, set[str]]) -> list[Outcome]:
    backend, _titles = demo_search
    found = []
    for item in JUDGEMENTS:
        result = await backend.search(SearchQuery(text=item["query"], page_size=TOP))
        top = [hit.title for hit in result.hits]
        ranks = [top.index(title) + 1 for title in item["expect"] if title in top]
        found.append(
            Outcome(
                query=item["query"],
                kind=item["class"],
                recall=len(ranks) / len(item["expect"]),
                reciprocal_rank=1 / min(ranks) if ranks else 0.0,
                answered_nothing=result.total == 0,
                confused=[title for title in item.get("not_expect", ()) if title in top],
                top=top,
            )
        )
    return found


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _table(outcomes: list[Outcome]) -> str:
    rows = ["| class | queries | recall@10 | MRR | answering nothing | homophone confusions |"]
    rows.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    kinds = sorted({outcome.kind for outcome in outcomes})
    for kind, chosen in [
        *((kind, [o for o in outcomes if o.kind == kind]) for kind in kinds),
        ("user-typed", [o for o in outcomes if o.kind in USER_TYPED]),
        ("all", outcomes),
    ]:
        rows.append(
            f"| {kind} | {len(chosen)} | {_mean([o.recall for o in chosen]):.3f}"
            f" | {_mean([o.reciprocal_rank for o in chosen]):.3f}"
            f" | {sum(o.answered_nothing for o in chosen)}"
            f" | {sum(len(o.confused) for o in chosen)} |"
        )
    misses = [
        f"  {o.kind}: {o.query} (recall {o.recall:.2f}; got {o.top[:3]})"
        for o in outcomes
        if o.recall < 1
    ]
    return "\n".join([*rows, f"queries missing an expected title ({len(misses)}):", *misses])


def test_the_set_is_big_enough() -> None:
    assert len(JUDGEMENTS) >= 150
    assert sum(item["class"] in USER_TYPED for item in JUDGEMENTS) >= 50
    assert all(1 <= len(item["expect"]) <= 3 for item in JUDGEMENTS)


async def test_every_expected_entry_is_published_in_the_demo(
    demo_search: tuple[EmbeddedSearch, set[str]],
) -> None:
    _backend, titles = demo_search
    named = {t for item in JUDGEMENTS for t in [*item["expect"], *item.get("not_expect", ())]}
    assert named - titles == set()


async def test_judged_targets(outcomes: list[Outcome]) -> None:
    table = _table(outcomes)
    print(f"\n{table}")
    sentences = [o for o in outcomes if o.kind == "sentence"]
    figures = {
        "recall": _mean([o.recall for o in outcomes]),
        "sentence recall": _mean([o.recall for o in sentences]),
        "mrr": _mean([o.reciprocal_rank for o in outcomes]),
    }
    nothing = _mean([float(o.answered_nothing) for o in outcomes])
    assert all(figures[name] >= TARGETS[name] for name in figures), table
    assert nothing <= TARGETS["answering nothing"], table
    assert [o.query for o in outcomes if o.confused] == [], table
