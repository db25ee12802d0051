"""Reference data kept in each worker: the category tree and the names of divisions.

Every catalogue and search page shows the categories and the counties, which change with a
new data file, not between requests; reading both tables cost a fifth of a signed-in page.
Each worker keeps what it read for ``KEPT_SECONDS``. A change to one of the tables flushed or
executed in the worker forgets that table's copies at once, and again when the transaction
that made it ends (so a rolled-back change is not kept either); another worker sees the change
when its own copy ends, within ``KEPT_SECONDS``.

What is kept are plain values or transient rows, never objects of a session: a later rollback
of the request that read them would otherwise expire them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from itertools import chain
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from core.recent import ShortMemory

KEPT_SECONDS = 60.0
MAX_KEYS = 256
CHANGED = "reference_tables_changed"
"""``Session.info`` key: the reference tables this session's transaction changed."""

T = TypeVar("T")
_MEMORIES: list[ReferenceMemory[Any]] = []


class ReferenceMemory(Generic[T]):
    """Values read from ``tables``, kept per key in this worker (see the module)."""

    def __init__(self, *tables: str) -> None:
        self.tables = frozenset(tables)
        self._kept: ShortMemory[Hashable, T] = ShortMemory(KEPT_SECONDS, MAX_KEYS)
        _MEMORIES.append(self)

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        kept = self._kept.get(key)
        if kept is None:
            kept = await load()
            self._kept.keep(key, kept)
        return kept

    def forget(self) -> None:
        self._kept.forget()


def _forget(tables: set[str]) -> None:
    for memory in _MEMORIES:
        if memory.tables & tables:
            memory.forget()


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: UOWTransaction) -> None:
    changed = {
        getattr(row, "__tablename__", "")
        for row in chain(session.new, session.dirty, session.deleted)
    }
    _note(session, changed)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table: Any = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name:
        _note(state.session, {name})


@event.listens_for(Session, "after_transaction_end")
def _forget_when_transaction_ends(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session.info.get(CHANGED):
        _forget(session.info.pop(CHANGED))


def _note(session: Session, tables: set[str]) -> None:
    touched = {table for memory in _MEMORIES for table in memory.tables & tables}
    if touched:
        session.info.setdefault(CHANGED, set()).update(touched)
        _forget(touched)
