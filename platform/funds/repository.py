"""Every query of the funds ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from funds.models import LedgerEntry

VERIFY_BATCH = 1000


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries(self, agreement_id: UUID) -> list[LedgerEntry]:
        """An agreement's entries in chain order."""
        rows = await self.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.agreement_id == agreement_id)
            .order_by(LedgerEntry.sequence)
        )
        return list(rows)

    async def chains(self) -> AsyncIterator[list[LedgerEntry]]:
        """Every agreement's entries, one chain at a time, streamed."""
        result = await self.session.stream_scalars(
            select(LedgerEntry)
            .order_by(LedgerEntry.agreement_id, LedgerEntry.sequence)
            .execution_options(yield_per=VERIFY_BATCH)
        )
        chain: list[LedgerEntry] = []
        async for entry in result:
            if chain and chain[0].agreement_id != entry.agreement_id:
                yield chain
                chain = []
            chain.append(entry)
        if chain:
            yield chain
