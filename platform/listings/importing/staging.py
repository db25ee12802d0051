"""Hidden batches: how a large import is stored without holding SQLite's write lock for
seconds, and still all or nothing.

Each batch of entries is committed in its own short transaction, marked with the import's
batch id, which every readable statement (``need_readable``, ``offer_readable``) leaves out, so
nobody sees a half-stored import. One short update clears the id when every batch is stored;
a refused or failed import deletes its batches; batches a crash left behind are swept once
they are older than any import can take. On PostgreSQL the same holds with row locks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import anyio
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.database import write_intent
from core.jobs import Job
from demand.models import Need
from supply.models import Offer

if TYPE_CHECKING:
    from catalogue.entry import EntryColumns

BATCH_ROWS = 250
"""Entries per write transaction: see docs/benchmarks.md for the measured lock holds."""
SQLITE_WAITER_RETRY = 0.1
"""Seconds: SQLite queues no one for its write lock; a connection kept waiting by the busy
timeout retries at most this far apart (its busy handler's longest sleep is 100 ms). An import
that began its next batch at once after committing would retake the lock before any waiting
sign-in retried, so it pauses this long between batches."""
ABANDONED_AFTER = timedelta(hours=1)
MODELS: tuple[type[Need] | type[Offer], ...] = (Need, Offer)


async def release_write_lock(session: AsyncSession) -> None:
    """Commit a stored batch and give anyone waiting for SQLite's write lock their turn
    (PostgreSQL locks rows, not the database: no one waits there)."""
    await session.commit()
    if session.get_bind().dialect.name == "sqlite":
        await anyio.sleep(SQLITE_WAITER_RETRY)


async def reveal(session: AsyncSession, model: type[EntryColumns], batch: str) -> None:
    """Make every stored batch of the import visible at once (the entries loaded in the
    session are updated too)."""
    await session.execute(
        update(model).where(model.import_batch == batch).values(import_batch=None)
    )


async def discard(session: AsyncSession, model: type[EntryColumns], batch: str) -> None:
    """Delete what an import that failed had stored (its lines and photos go with it), in a
    transaction of its own: the request's own is rolled back by the error that follows."""
    await session.rollback()
    with write_intent():
        await session.execute(
            delete(model)
            .where(model.import_batch == batch)
            .execution_options(synchronize_session=False)
        )
        await session.commit()


async def sweep(session: AsyncSession, now: datetime) -> int:
    """Delete entries of imports abandoned mid-way (a crash) older than ``ABANDONED_AFTER``;
    returns how many. It takes the write lock only when there is something to delete."""
    removed = 0
    for model in MODELS:
        abandoned = (model.import_batch.is_not(None), model.created_at < now - ABANDONED_AFTER)
        found = await session.scalar(select(func.count()).select_from(model).where(*abandoned))
        await session.commit()
        if found:
            with write_intent():
                await session.execute(
                    delete(model).where(*abandoned).execution_options(synchronize_session=False)
                )
                await session.commit()
            removed += found
    return removed


SWEEP_ABANDONED_IMPORTS = Job("catalogue.sweep_imports", sweep, every=timedelta(minutes=15))
