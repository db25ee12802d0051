"""Concurrent disbursements that together exceed the commitment (PostgreSQL, whose row lock on
the agreement makes them take turns): exactly those that fit succeed, in one unbroken chain."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from funds.chain import verify
from funds.ledger import OverDisbursed, balance
from funds.models import EntryType, LedgerEntry
from tests.funds.scratch import append, signed_agreement

CONCURRENT = 10


async def test_exactly_the_disbursements_that_fit_succeed(scratch_engine: AsyncEngine) -> None:
    if scratch_engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes every writer anyway")
    signed = await signed_agreement(scratch_engine)
    await append(
        scratch_engine, signed.reviewer, signed.agreement_id, EntryType.COMMITMENT, amount="1000"
    )
    outcomes = await asyncio.gather(
        *(
            append(
                scratch_engine,
                signed.member,
                signed.agreement_id,
                EntryType.DISBURSEMENT,
                amount="300",
            )
            for _ in range(CONCURRENT)
        ),
        return_exceptions=True,
    )
    assert sum(outcome is None for outcome in outcomes) == 3
    assert all(isinstance(o, OverDisbursed) for o in outcomes if o is not None), outcomes
    async with AsyncSession(scratch_engine) as session:
        entries = list(await session.scalars(select(LedgerEntry).order_by(LedgerEntry.sequence)))
    assert [entry.sequence for entry in entries] == [1, 2, 3, 4]
    assert balance(entries).disbursed == 900
    assert verify(entries) is None
