"""Every query of the funds ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from funds.models import LedgerEntry


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
        """Every agreement's entries, one chain at a time (only one chain in memory)."""
        agreement_ids = await self.session.scalars(
            select(LedgerEntry.agreement_id).distinct().order_by(LedgerEntry.agreement_id)
        )
        for agreement_id in list(agreement_ids):
            yield await self.entries(agreement_id)
