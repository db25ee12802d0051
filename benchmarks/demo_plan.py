"""The demo's signing event planned as a reviewer would: how many pairs, how many counties
covered, the lowest score, and how many pairs rest on no evidence (neither the same
sub-category nor shared words). The demo data go into a fresh SQLite file in a temporary
directory.

    uv run python benchmarks/demo_plan.py [--min-score 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))


async def plan(min_score: float) -> None:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from accounts.identity import Identity
    from accounts.models import User
    from core.audit import Actor
    from core.clock import utc_now
    from core.database import create_engine
    from core.settings import get_settings
    from matching.events import EventService
    from matching.facts import need_facts, offer_facts
    from matching.models import SigningEvent
    from matching.repository import pairings_held
    from matching.scoring import has_evidence
    from matching.track_record import track_records
    from xiangxing.demo import load_demo_data
    from xiangxing.setup import upgrade_database

    settings = get_settings()
    engine = create_engine(settings)
    await upgrade_database(engine, "head")
    await load_demo_data(engine, settings)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        reviewer = await session.scalar(select(User).where(User.username == "reviewer"))
        assert reviewer is not None
        event_id = await session.scalar(
            select(SigningEvent.id).order_by(SigningEvent.held_on.desc()).limit(1)
        )
        assert event_id is not None
        identity = Identity.of(reviewer)
        events = EventService(session, utc_now, min_score=min_score)
        event = await events.plan(event_id, identity, Actor(None, "figures", "reviewer", None))
        pairs = event.pairs_in_plan
        held = await pairings_held(session, {pair.need.township_code for pair in pairs})
        track = await track_records(session, {pair.offer.organization_id for pair in pairs})
        without = sum(
            not has_evidence(
                need_facts(pair.need, held),
                offer_facts(pair.offer, track[pair.offer.organization_id]),
            )
            for pair in pairs
        )
        covered = {pair.county_code for pair in pairs}
        lowest = min((pair.score for pair in pairs), default=0.0)
        print(f"minimum score setting   {min_score:.2f}")
        print(f"pairs                   {len(pairs)}")
        print(f"counties covered        {len(covered)} of {len(event.county_codes)}")
        print(f"lowest score            {lowest:.2f}")
        print(f"pairs without evidence  {without}")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=0.5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        os.environ["XIANGXING_VAR_DIR"] = var_dir
        os.environ.pop("XIANGXING_DATABASE_URL", None)
        asyncio.run(plan(arguments.min_score))


if __name__ == "__main__":
    main()
