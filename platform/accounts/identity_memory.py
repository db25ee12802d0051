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

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from accounts.identity import Identity
from accounts.models import ApiToken, Department, LoginSession, Organization, Station, User

TTL_SECONDS = 5.0
MAX_KEYS = 4096
ACCOUNT_MODELS = (User, Organization, Station, Department, LoginSession, ApiToken)
ACCOUNT_TABLES = frozenset(model.__tablename__ for model in ACCOUNT_MODELS)


@dataclass(frozen=True, slots=True)
class Remembered:
    identity: Identity
    expires_at: datetime
    """The session's or token's own end, checked on every request."""


class IdentityMemory:
    def __init__(self, ttl: float = TTL_SECONDS, max_keys: int = MAX_KEYS) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._kept: OrderedDict[str, tuple[float, Remembered]] = OrderedDict()

    def get(self, secret_hash: str) -> Remembered | None:
        found = self._kept.get(secret_hash)
        if found is None:
            return None
        if time.monotonic() - found[0] >= self.ttl:
            self._kept.pop(secret_hash, None)
            return None
        return found[1]

    def keep(self, secret_hash: str, remembered: Remembered) -> None:
        self._kept[secret_hash] = (time.monotonic(), remembered)
        self._kept.move_to_end(secret_hash)
        while len(self._kept) > self.max_keys:
            self._kept.popitem(last=False)

    def forget(self) -> None:
        self._kept.clear()


IDENTITIES = IdentityMemory()
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
