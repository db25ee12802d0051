"""Judged pairings: for the needs of ``judged_pairs.yaml`` in the demo catalogue, the offers a
reviewer would pick must be among the five suggestions in at least 90% of the cases."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.workflow import EntryState
from core.clock import utc_now
from demand.models import Need
from matching.schemas import SuggestionFilters
from matching.suggestions import SuggestionService
from supply.models import Offer

CASES = yaml.safe_load(Path(__file__).with_name("judged_pairs.yaml").read_text("utf-8"))
TOP = 5
REQUIRED_SHARE = 0.9


def test_the_set_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert all(1 <= len(case["good"]) <= 3 for case in CASES)


async def test_every_judged_entry_is_published_in_the_demo(demo: AsyncSession) -> None:
    titles = set()
    for model in (Need, Offer):
        titles |= set(
            await demo.scalars(select(model.title).where(model.state == EntryState.PUBLISHED))
        )
    named = {case["need"] for case in CASES} | {t for case in CASES for t in case["good"]}
    assert named - titles == set()


async def test_good_offers_are_suggested_in_the_top_five(demo: AsyncSession) -> None:
    suggestions = SuggestionService(demo, utc_now)
    misses = []
    for case in CASES:
        need_id = await demo.scalar(select(Need.id).where(Need.title == case["need"]))
        assert need_id is not None
        found = await suggestions.for_need(need_id, TOP, SuggestionFilters())
        top = [item.entry.title for item in found.items]
        if not set(case["good"]) <= set(top):
            misses.append((case["need"], case["good"], top))
    share = 1 - len(misses) / len(CASES)
    assert share >= REQUIRED_SHARE, misses
