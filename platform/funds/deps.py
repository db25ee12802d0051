"""Dependency providers for the ledger controllers."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.pagination import provide_page_request
from funds.service import LedgerService


async def provide_ledger(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> LedgerService:
    return LedgerService(db_session, clock)


LEDGER_DEPENDENCIES = {
    "ledger": Provide(provide_ledger),
    "page_request": Provide(provide_page_request),
}
