"""A write the database gives up on for a passing reason is run again, and lands exactly once.

The app runs on a database of its own, committing for real, while a second connection of the
test gets in its way: on PostgreSQL it closes a deadlock with the request (the database aborts
the request's transaction), on SQLite it holds the write lock until the request's busy timeout
has run out once. A failure that never passes ends in a 503 that changed nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from core.database import create_engine, write_intent
from core.idempotency import IdempotencyKey
from core.retries import ATTEMPTS
from core.settings import Settings
from funds.chain import verify
from funds.models import EntryType, LedgerEntry
from tests.clients import serve
from tests.conftest import FakeClock, copy_database
from tests.factories import bearer
from tests.funds.scratch import SignedAgreement, append, signed_agreement
from xiangxing.app import create_app

RETRIED = "running it again"
DISBURSEMENT = {"entry_type": "disbursement", "amount": "300", "note": "第一笔转账"}


@dataclass
class LiveLedger:
    client: httpx.AsyncClient
    engine: AsyncEngine
    signed: SignedAgreement
    headers: dict[str, str]

    @property
    def url(self) -> str:
        return f"/api/v1/agreements/{self.signed.agreement_id}/ledger"

    def post(self, key: str) -> asyncio.Task[httpx.Response]:
        """The organization's disbursement, sent in the background."""
        headers = {**self.headers, "Idempotency-Key": key}
        return asyncio.create_task(self.client.post(self.url, json=DISBURSEMENT, headers=headers))

    async def entries(self) -> list[LedgerEntry]:
        async with AsyncSession(self.engine) as session:
            found = await session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.agreement_id == self.signed.agreement_id)
                .order_by(LedgerEntry.sequence)
            )
            return list(found)

    async def keys(self) -> int:
        async with AsyncSession(self.engine) as session:
            return len(list(await session.scalars(select(IdempotencyKey.id))))


class Retries(logging.Handler):
    """Counts the middleware's retries as it logs them; ``first`` is set at the first."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if RETRIED in record.getMessage():
            self.count += 1
            self.first.set()


@pytest.fixture
def retries() -> Iterator[Retries]:
    watch = Retries()
    logger = logging.getLogger("core.retries")
    logger.addHandler(watch)
    yield watch
    logger.removeHandler(watch)


@pytest.fixture
async def live(
    scratch_settings: Settings, clock: FakeClock, migrated_file: Path
) -> AsyncIterator[LiveLedger]:
    """The real app on a database of its own with a signed agreement and a commitment of
    1,000 yuan, the organization member signed in with a token."""
    settings = scratch_settings.model_copy(update={"search_indexer": False})
    if settings.is_sqlite:
        copy_database(migrated_file, settings.var_dir)
    engine = create_engine(settings)
    signed = await signed_agreement(engine)
    await append(engine, signed.reviewer, signed.agreement_id, EntryType.COMMITMENT, amount="1000")
    async with serve(create_app(settings, clock=clock)) as client:
        headers = await bearer(client, signed.member.username)
        yield LiveLedger(client, engine, signed, headers)
    await engine.dispose()


async def _waiting_on_a_lock(engine: AsyncEngine, statement: str) -> None:
    """Until a backend runs ``statement`` and waits on a lock (PostgreSQL; the activity view
    is read in a transaction of its own each time, which sees it afresh)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND query LIKE :statement"
    )
    async with engine.connect() as watcher:
        while not await watcher.scalar(query, {"statement": f"{statement}%"}):
            await watcher.rollback()
            await asyncio.sleep(0.02)


async def _lands_once(live: LiveLedger, answer: httpx.Response) -> None:
    assert answer.status_code == 201, answer.text
    entries = await live.entries()
    assert [entry.entry_type for entry in entries] == [
        EntryType.COMMITMENT,
        EntryType.DISBURSEMENT,
    ]
    assert entries[1].note == DISBURSEMENT["note"]
    assert verify(entries) is None
    assert await live.keys() == 1


async def _lock_row(blocker: AsyncConnection, table: str, row_id: Any) -> None:
    await blocker.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})  # noqa: S608


async def _refuse_entries(engine: AsyncEngine, raised: str, trigger: str) -> None:
    """A PostgreSQL trigger (``trigger`` up to its timing and table) raising ``raised`` for
    every new ledger entry."""
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION {raised}; END $$"
            )
        )
        await connection.execute(text(f"{trigger} FOR EACH ROW EXECUTE FUNCTION refuse_entry()"))


async def test_a_deadlocked_write_is_run_again_and_lands_once(
    live: LiveLedger, retries: Retries
) -> None:
    if live.engine.dialect.name != "postgresql":
        pytest.skip("deadlock detection is PostgreSQL's")
    async with live.engine.connect() as blocker:
        await blocker.begin()
        # The request locks the agreement, then its insert checks the member's row: held here.
        await _lock_row(blocker, "user_account", live.signed.member.user_id)
        request = live.post("deadlock-1")
        await _waiting_on_a_lock(live.engine, "INSERT INTO ledger_entry")
        # Now this connection waits for the agreement the request holds: a deadlock, and
        # PostgreSQL aborts the request, which waited first. Its second run then waits here.
        await _lock_row(blocker, "agreement", live.signed.agreement_id)
        await blocker.rollback()
    answer = await request
    assert retries.count == 1
    await _lands_once(live, answer)
    again = await live.post("deadlock-1")
    assert again.json() == answer.json()
    assert len(await live.entries()) == 2


async def test_a_write_locked_out_once_is_run_again_and_lands_once(
    live: LiveLedger, retries: Retries
) -> None:
    if live.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's busy timeout; PostgreSQL's writers wait on row locks")
    async with live.engine.connect() as blocker:
        with write_intent():
            await blocker.begin()
        await blocker.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: the write lock is ours
        request = live.post("locked-1")
        await retries.first.wait()
        await blocker.rollback()
    await _lands_once(live, await request)


async def test_a_write_that_always_fails_is_a_503_that_changes_nothing(
    live: LiveLedger, retries: Retries
) -> None:
    if live.engine.dialect.name != "postgresql":
        pytest.skip("a trigger raising PostgreSQL's serialization failure")
    await _refuse_entries(
        live.engine,
        "'could not serialize access' USING ERRCODE = 'serialization_failure'",
        "CREATE TRIGGER ledger_entry_refused BEFORE INSERT ON ledger_entry",
    )
    answer = await live.post("always-1")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["code"] == "database_busy"
    assert retries.count == ATTEMPTS - 1
    assert len(await live.entries()) == 1
    assert await live.keys() == 0
    async with live.engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER ledger_entry_refused ON ledger_entry"))
    await _lands_once(live, await live.post("always-1"))


async def test_a_write_whose_connection_is_cut_is_a_503_to_send_again(live: LiveLedger) -> None:
    if live.engine.dialect.name != "postgresql":
        pytest.skip("an administrator ending a PostgreSQL backend")
    async with live.engine.connect() as blocker:
        await blocker.begin()
        await _lock_row(blocker, "agreement", live.signed.agreement_id)
        request = live.post("cut-1")
        await _waiting_on_a_lock(live.engine, "SELECT agreement")
        await blocker.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT agreement%'"
            )
        )
        await blocker.rollback()
    answer = await request
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert len(await live.entries()) == 1
    await _lands_once(live, await live.post("cut-1"))


async def test_a_commit_that_fails_is_never_answered_as_a_success(live: LiveLedger) -> None:
    """The check runs at COMMIT (a deferred constraint trigger): the answer, made before it,
    must not go out as a 201."""
    if live.engine.dialect.name != "postgresql":
        pytest.skip("a deferred constraint trigger of PostgreSQL")
    await _refuse_entries(
        live.engine,
        "'refused at commit'",
        "CREATE CONSTRAINT TRIGGER ledger_entry_refused AFTER INSERT ON ledger_entry "
        "DEFERRABLE INITIALLY DEFERRED",
    )
    answer = await live.post("commit-1")
    assert answer.status_code == 500, answer.text
    assert len(await live.entries()) == 1
    assert await live.keys() == 0
