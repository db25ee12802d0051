"""The indexer: drains the outbox into the search engine, in batches, with retries.

A batch is *claimed* in one short transaction (its rows get a token and a lease), applied to
the engine outside any transaction, then marked processed by that token. On PostgreSQL the
claim selects with ``FOR UPDATE SKIP LOCKED``, so several indexers (the app's and any number
of ``xiangxing search worker`` processes) take disjoint batches without waiting on each other;
on SQLite writes are serialized anyway. An indexer that dies between claim and mark loses
nothing: its lease runs out and another takes the rows. A failed batch goes back with an
exponential backoff per row, so an engine outage costs a few claims a minute, not a busy loop.

Every operation is idempotent (upsert or delete by id, from the entry's state at the time of
draining), so a row applied twice, or replayed after a reindex, does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.workflow import EntryState
from core.clock import Clock, local_date, utc_now
from core.database import insert_unless_present, locked, write_intent, writing
from core.heap import release_freed_heap
from core.outage import OutageLog, backoff_seconds
from demand.models import Need
from search.backend import SearchBackend
from search.models import ExpirySweep, SearchOutbox
from search.outbox import NEED, OFFER, outbox_rows
from search.source import all_documents, documents_for
from supply.models import Offer

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
LEASE = timedelta(seconds=60)
IDLE_SECONDS = 0.5
"""How often an idle indexer looks for work: well inside the 5 s from commit to searchable."""
FIRST_RETRY_SECONDS = 1
MAX_RETRY_SECONDS = 300
KEEP_PROCESSED = timedelta(days=2)
"""Processed rows stay this long: a reindex replays those written while it ran."""
ERROR_LENGTH = 300
NEVER_SWEPT = date(2000, 1, 1)
"""The mark of a database never swept: every past deadline is still to queue."""


@dataclass(frozen=True, slots=True)
class Claim:
    token: str
    row_ids: list[int]
    keys: set[tuple[str, UUID]]
    attempts: dict[int, int]


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest_pending_seconds: float | None


def retry_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at five minutes."""
    return timedelta(seconds=backoff_seconds(attempts, FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS))


async def backlog(session: AsyncSession, now: datetime) -> Backlog:
    pending, oldest = (
        await session.execute(
            select(func.count(), func.min(SearchOutbox.created_at)).where(
                SearchOutbox.processed_at.is_(None)
            )
        )
    ).one()
    age = None if oldest is None else max(0.0, (now - oldest).total_seconds())
    return Backlog(pending=pending, oldest_pending_seconds=age)


def calendar_today() -> date:
    return local_date(utc_now())


class Indexer:
    """``clock`` times the outbox (leases, backoff: the wall clock, like the rows' creation
    times); ``today`` is the calendar day that decides what shows as expired (the app's
    clock, which tests move)."""

    def __init__(
        self,
        session_maker: Callable[[], AsyncSession],
        backend: SearchBackend,
        *,
        today: Callable[[], date] = calendar_today,
        clock: Clock = utc_now,
        batch_size: int = BATCH_SIZE,
        lease: timedelta = LEASE,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
    ) -> None:
        self.session_maker = session_maker
        self.backend = backend
        self.today = today
        self.clock = clock
        self.batch_size = batch_size
        self.lease = lease
        self._swept_day: date | None = None
        self._since_idle = 0
        """Rows taken since the outbox was last found drained."""
        self.outage = OutageLog(
            logger, "search indexer step", first_retry_seconds, MAX_RETRY_SECONDS
        )

    @writing
    async def _claim(self) -> Claim | None:
        now = self.clock()
        token = str(uuid.uuid4())
        async with self.session_maker() as session:
            candidates = locked(
                select(SearchOutbox.id)
                .where(
                    SearchOutbox.processed_at.is_(None),
                    SearchOutbox.available_at <= now,
                    or_(SearchOutbox.claimed_until.is_(None), SearchOutbox.claimed_until < now),
                )
                .order_by(SearchOutbox.id)
                .limit(self.batch_size),
                skip_locked=True,
            )
            rows = (
                await session.execute(
                    update(SearchOutbox)
                    .where(SearchOutbox.id.in_(candidates.scalar_subquery()))
                    .values(
                        claimed_until=now + self.lease,
                        claimed_by=token,
                        attempts=SearchOutbox.attempts + 1,
                    )
                    .returning(
                        SearchOutbox.id,
                        SearchOutbox.entry_kind,
                        SearchOutbox.entry_id,
                        SearchOutbox.attempts,
                    )
                    .execution_options(synchronize_session=False)
                )
            ).all()
            await session.commit()
        if not rows:
            return None
        return Claim(
            token=token,
            row_ids=[row.id for row in rows],
            keys={(row.entry_kind, row.entry_id) for row in rows},
            attempts={row.id: row.attempts for row in rows},
        )

    @writing
    async def _settle(self, claim: Claim, error: Exception | None) -> None:
        """Mark the claim's rows processed, or give them back with a backoff after a failure;
        a row whose claim was taken over (lease ran out, reindex replay) is left alone."""
        now = self.clock()
        async with self.session_maker() as session:
            held = (SearchOutbox.id.in_(claim.row_ids), SearchOutbox.claimed_by == claim.token)
            if error is None:
                await session.execute(
                    update(SearchOutbox)
                    .where(*held)
                    .values(processed_at=now, claimed_until=None, last_error="")
                    .execution_options(synchronize_session=False)
                )
            else:
                message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
                for row_id, attempts in claim.attempts.items():
                    await session.execute(
                        update(SearchOutbox)
                        .where(SearchOutbox.id == row_id, SearchOutbox.claimed_by == claim.token)
                        .values(
                            available_at=now + retry_delay(attempts),
                            claimed_until=None,
                            claimed_by=None,
                            last_error=message,
                        )
                        .execution_options(synchronize_session=False)
                    )
            await session.commit()

    async def drain_once(self) -> int:
        """Apply one batch; returns how many outbox rows it took (0: nothing was due)."""
        claim = await self._claim()
        if claim is None:
            return 0
        try:
            async with self.session_maker() as session:
                upserts, removals = await documents_for(session, claim.keys, self.today())
            await self.backend.upsert(upserts)
            await self.backend.delete(removals)
        except Exception as exc:
            await self._settle(claim, exc)
            raise
        await self._settle(claim, None)
        return len(claim.row_ids)

    async def drain(self) -> int:
        """Drain until nothing is due; returns the rows taken. Raises on the first failure."""
        total = 0
        while taken := await self.drain_once():
            total += taken
        return total

    @writing
    async def sweep(self) -> int:
        """Once per China-calendar day: queue the entries whose deadline passed since the last
        sweep (they now show as expired), and forget processed rows past keeping."""
        now = self.clock()
        today = self.today()
        if self._swept_day == today:
            return 0
        queued = 0
        async with self.session_maker() as session:
            # Workers starting together on a fresh database all find no mark: the row is
            # created if missing (never twice), then locked, so one sweeps and the rest wait.
            await session.execute(
                insert_unless_present(session.get_bind().dialect.name, ExpirySweep).values(
                    id=1, swept_through=NEVER_SWEPT
                )
            )
            mark = await session.scalar(locked(select(ExpirySweep).where(ExpirySweep.id == 1)))
            if mark is not None and mark.swept_through < today:
                since = None if mark.swept_through == NEVER_SWEPT else mark.swept_through
                for kind, model, deadline in (
                    (NEED, Need, Need.deadline),
                    (OFFER, Offer, Offer.valid_until),
                ):
                    query = select(model.id).where(
                        model.state == EntryState.PUBLISHED, deadline < today
                    )
                    if since is not None:
                        query = query.where(deadline >= since)
                    ids = list(await session.scalars(query))
                    if ids:
                        await session.execute(insert(SearchOutbox), outbox_rows(kind, ids, now))
                    queued += len(ids)
                mark.swept_through = today
                await session.execute(
                    delete(SearchOutbox).where(SearchOutbox.processed_at < now - KEEP_PROCESSED)
                )
            await session.commit()
        self._swept_day = today
        return queued

    def _caught_up(self, taken: int) -> None:
        """Once the outbox is drained after a burst of at least a full batch (a catalogue's
        first indexing, an import), give back the heap the documents' analysis freed."""
        self._since_idle += taken
        if taken < self.batch_size:
            if self._since_idle >= self.batch_size:
                release_freed_heap()
            self._since_idle = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Drain and sweep until ``stop`` is set. Through a database or engine outage it
        waits longer after each failure and logs the first in full, then one line each."""
        while not stop.is_set():
            pause = 0.0
            try:
                await self.sweep()
                taken = await self.drain_once()
                self.outage.succeeded()
                pause = IDLE_SECONDS if taken < self.batch_size else 0.0
                self._caught_up(taken)
            except Exception as exc:
                pause = self.outage.failed(exc)
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)


async def reindex(
    session_maker: async_sessionmaker[AsyncSession],
    backend: SearchBackend,
    *,
    today: Callable[[], date] = calendar_today,
    clock: Clock = utc_now,
) -> int:
    """Rebuild the index from the database into a new index and swap it in (search keeps
    answering meanwhile); then replay every change written since the rebuild began, because
    the indexers may have applied them to the index that was just replaced."""
    began = clock()
    count = await backend.rebuild(all_documents(session_maker, today()))
    with write_intent():
        await _replay_since(session_maker, began)
    return count


async def _replay_since(session_maker: async_sessionmaker[AsyncSession], began: datetime) -> None:
    async with session_maker() as session:
        await session.execute(
            update(SearchOutbox)
            .where(SearchOutbox.created_at >= began)
            .values(processed_at=None, claimed_until=None, claimed_by=None, available_at=began)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
