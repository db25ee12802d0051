"""Who a session or token belongs to, remembered for a few seconds in each worker.

Every signed-in request resolves its identity from the session cookie or the bearer token; the
answer changes only when an account, its affiliation, a session or a token changes. Each worker
keeps the identities it resolved, keyed by the secret's hash, for at most ``TTL_SECONDS``; the
rest of what the database would check (a session's expiry and idle time, a token's expiry) is
checked against the remembered row on every request.

Any change to users, organizations, stations, departments, sessions or tokens flushed or
executed in this worker forgets everything at once (sign-out, revocation, deactivation, a
password reset, a role edit, an organization's verification): the next request asks the
database. Another worker learns of the change when its own memory of that secret ends, within
``TTL_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from accounts.identity import Identity
from accounts.models import ApiToken, Department, LoginSession, Organization, Station, User
from core.recent import ShortMemory

TTL_SECONDS = 5.0
MAX_KEYS = 4096
ACCOUNT_MODELS = (User, Organization, Station, Department, LoginSession, ApiToken)
ACCOUNT_TABLES = frozenset(model.__tablename__ for model in ACCOUNT_MODELS)


@dataclass(frozen=True, slots=True)
class Remembered:
    identity: Identity
    expires_at: datetime
    """The session's or token's own end, checked on every request."""


IDENTITIES: ShortMemory[str, Remembered] = ShortMemory(TTL_SECONDS, MAX_KEYS)
"""This worker's memory (one per process: every app in it shares the accounts it reads)."""


@event.listens_for(Session, "after_flush")
def _forget_after_account_flush(session: Session, _context: UOWTransaction) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(row, ACCOUNT_MODELS) for row in changed):
        IDENTITIES.forget()


@event.listens_for(Session, "do_orm_execute")
def _forget_after_account_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table: Any = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in ACCOUNT_TABLES:
        IDENTITIES.forget()
