"""Add open proposals to a benchmark catalogue (after ``generate_catalogue.py``): N pairs of a
published need and a published offer, each with one line (their first lines), proposed by a reviewer over the
last weeks, so that the proposals list reads pages of real rows. Bulk inserts, no services.

    uv run python benchmarks/generate_proposals.py --proposals 10000

Replaces the proposals already there; refuses a database holding any it did not generate
(proposed by someone) unless told ``--wipe``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from uuid_utils.compat import uuid7

from catalogue.workflow import EntryState
from core.database import create_engine
from core.settings import get_settings
from demand.models import Need, NeedLine
from matching.models import Proposal, ProposalLine, ProposalState, Side
from supply.models import Offer, OfferLine

BATCH = 5000


async def generate(count: int, *, wipe: bool, seed: int = 3) -> None:
    rng = random.Random(seed)
    engine = create_engine(get_settings())
    async with engine.begin() as connection:
        real = await connection.scalar(
            select(func.count()).select_from(Proposal).where(Proposal.proposed_by_id.is_not(None))
        )
        if real and not wipe:
            sys.exit(f"{real} proposals were made by people here; --wipe to replace them")
        await connection.execute(delete(ProposalLine.__table__))
        await connection.execute(delete(Proposal.__table__))
        needs = (
            await connection.execute(
                select(Need.id, NeedLine.id)
                .join(NeedLine, (NeedLine.need_id == Need.id) & (NeedLine.position == 0))
                .where(Need.state == EntryState.PUBLISHED)
            )
        ).all()
        offers = (
            await connection.execute(
                select(Offer.id, Offer.organization_id, OfferLine.id)
                .join(OfferLine, (OfferLine.offer_id == Offer.id) & (OfferLine.position == 0))
                .where(Offer.state == EntryState.PUBLISHED)
            )
        ).all()
        now = datetime.now(UTC)
        proposals, lines = [], []
        for need_id, need_line_id in rng.sample(needs, min(count, len(needs))):
            offer_id, organization_id, offer_line_id = rng.choice(offers)
            created = now - timedelta(minutes=rng.randint(1, 20_000))
            proposals.append(
                {
                    "id": uuid7(),
                    "need_id": need_id,
                    "offer_id": offer_id,
                    "organization_id": organization_id,
                    "state": ProposalState.PROPOSED.value,
                    "proposed_by": Side.REVIEWER.value,
                    "message": "",
                    "answer_reason": "",
                    "score": round(rng.random(), 4),
                    "breakdown": {},
                    "expires_at": created + timedelta(days=14),
                    "need_version": 1,
                    "offer_version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            amount = Decimal(rng.randint(1, 50) * 1000)
            lines.append(
                {
                    "id": uuid7(),
                    "proposal_id": proposals[-1]["id"],
                    "need_line_id": need_line_id,
                    "offer_line_id": offer_line_id,
                    "amount": amount,
                    "covers": amount,
                }
            )
        for rows, table in ((proposals, Proposal.__table__), (lines, ProposalLine.__table__)):
            for start in range(0, len(rows), BATCH):
                await connection.execute(insert(table), rows[start : start + BATCH])
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE proposal")
            await connection.exec_driver_sql("ANALYZE proposal_line")
    await engine.dispose()
    print(f"generated {len(proposals)} open proposals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--wipe", action="store_true", help="replace proposals made by people")
    arguments = parser.parse_args()
    asyncio.run(generate(arguments.proposals, wipe=arguments.wipe))


if __name__ == "__main__":
    main()
