"""Judged relevance: the queries of ``relevance.yaml`` over the demo catalogue, indexed the way
production indexes it (migrations, demo loader, reindex from the database), must find their
expected entries in the top five: recall@5 of at least 0.9 on the embedded engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.workflow import EntryState
from core.database import create_engine
from core.settings import Environment, Settings
from demand.models import Need
from search.backend import SearchQuery
from search.embedded import EmbeddedSearch
from search.indexer import reindex
from supply.models import Offer
from xiangxing.demo import load_demo_data
from xiangxing.setup import upgrade_database

JUDGEMENTS = yaml.safe_load(Path(__file__).with_name("relevance.yaml").read_text("utf-8"))
TOP = 5
REQUIRED_RECALL = 0.9


@pytest.fixture(scope="module")
async def demo_search(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[EmbeddedSearch, set[str]]]:
    """The demo in a database of its own (it commits), and its published titles."""
    var_dir = tmp_path_factory.mktemp("relevance")
    engine = create_engine(Settings(env=Environment.TEST, var_dir=var_dir))
    backend = EmbeddedSearch(var_dir / "search")
    try:
        await upgrade_database(engine)
        await load_demo_data(engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        await reindex(sessions, backend)
        async with sessions() as session:
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
        await engine.dispose()


def test_the_set_is_big_enough() -> None:
    assert len(JUDGEMENTS) >= 40
    assert all(1 <= len(item["expect"]) <= 3 for item in JUDGEMENTS)


async def test_every_expected_entry_is_published_in_the_demo(
    demo_search: tuple[EmbeddedSearch, set[str]],
) -> None:
    _backend, titles = demo_search
    unknown = {t for item in JUDGEMENTS for t in item["expect"]} - titles
    assert unknown == set()


async def test_recall_at_five(demo_search: tuple[EmbeddedSearch, set[str]]) -> None:
    backend, _titles = demo_search
    found = missed = 0
    misses = []
    for item in JUDGEMENTS:
        result = await backend.search(SearchQuery(text=item["query"], page_size=TOP))
        top = [hit.title for hit in result.hits]
        for title in item["expect"]:
            if title in top:
                found += 1
            else:
                missed += 1
                misses.append(f"{item['query']} → {title} (got {top})")
    recall = found / (found + missed)
    assert recall >= REQUIRED_RECALL, "\n".join([f"recall@5 = {recall:.3f}", *misses])
