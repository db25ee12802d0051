"""Reads that do not depend on each other, each on a connection of its own and all in one
snapshot, so that a page made of several aggregates (the staff dashboard) waits for the
dearest of them rather than for their sum.

PostgreSQL serves each connection in a process of its own, so the reads run at once; each one
imports the snapshot the request's transaction exported (``pg_export_snapshot``), and they see
exactly the records they would have seen one after another on that transaction. Writes the
request has not committed are not in that snapshot: these are reads of committed records.
Elsewhere the reads take turns on the session given: SQLite serves a file, not a server
process per connection, and a session bound to one connection (a test's rolled-back
transaction) has no other connection to lend.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

T = TypeVar("T")
Read = Callable[[AsyncSession], Awaitable[T]]
LANES = 4
"""Connections one page may hold at once: more would only queue on the database's cores and
take connections other requests wait for."""
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


class SnapshotReads:
    """Runs reads side by side in the snapshot of one session (see the module's docstring)."""

    def __init__(self, session: AsyncSession, engine: AsyncEngine | None, snapshot: str) -> None:
        self.session, self.engine, self.snapshot = session, engine, snapshot
        self.turns = asyncio.Semaphore(LANES if engine is not None else 1)

    async def __call__(self, read: Read[T]) -> T:
        async with self.turns:
            if self.engine is None:
                return await read(self.session)
            async with AsyncSession(self.engine, expire_on_commit=False) as own:
                connection = await own.connection(
                    execution_options={"isolation_level": "REPEATABLE READ"}
                )
                await connection.execute(text(f"SET TRANSACTION SNAPSHOT '{self.snapshot}'"))
                return await read(own)


async def snapshot_reads(session: AsyncSession) -> SnapshotReads:
    """Side by side on PostgreSQL when the session is bound to an engine; in turns otherwise."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":
        return SnapshotReads(session, None, "")
    snapshot = str(await session.scalar(text("SELECT pg_export_snapshot()")))
    if not SNAPSHOT_ID.fullmatch(snapshot):
        msg = f"unexpected snapshot id {snapshot!r}"
        raise RuntimeError(msg)
    return SnapshotReads(session, engine, snapshot)
