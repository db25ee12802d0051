"""Unsafe requests as one unit of work, run again when the database gave up on it for a reason
that passes.

PostgreSQL aborts one of two transactions that deadlock (SQLSTATE 40P01) or that it cannot
serialize (40001); SQLite answers "database is locked" when its busy timeout runs out. Either
way the transaction is rolled back and nothing it did holds, so the whole request — handler,
idempotency key, audit row — is run again in a fresh transaction after a short jittered wait,
at most ``ATTEMPTS`` times; after that the caller gets a 503 with ``Retry-After``
(`core.http_errors`), and nothing has changed.

The answer is held back until its transaction commits, and the commit is made here rather
than in Advanced Alchemy's handler, which logs a failed commit and sends the success anyway:
a failed commit is retried when it may be, or answered as the failure it is.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from litestar.utils.scope.state import ScopeState
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.database import COMMITTED_REFUSALS, UNSAFE_METHODS
from core.request_body import body_limit, read_body, replaying

if TYPE_CHECKING:
    from collections.abc import Iterator

    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar.types import ASGIApp, Message, Receive, Scope, Send
    from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_WAIT_SECONDS = 0.02
"""The longest wait before the second attempt; it doubles for each one after."""
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock."""
LOST_SQLSTATE_CLASS = "08"
SERVER_GONE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
"""PostgreSQL's connection exceptions, and its administrator, crash and start-up shutdowns."""
OVERLOADED_SQLSTATES = frozenset({"53300"})
"""PostgreSQL's "too many connections": no slot left for a new one."""
SQLITE_BUSY = ("database is locked", "database is busy")
FAILED_TRANSIENTLY = "transient_database_failure"
"""Set in the request's scope state when its error answer stands for a transient failure."""


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and those behind it, through the wrappers (SQLAlchemy's, Advanced Alchemy's,
    the driver's) down to the original one."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        cause = pending.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        pending.extend((cause.__cause__, getattr(cause, "orig", None)))


def is_transient(error: BaseException) -> bool:
    """Whether the database rolled the work back for a reason that may pass: a deadlock, a
    serialization failure, SQLite's busy timeout."""
    for cause in _causes(error):
        if getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        busy = isinstance(cause, sqlite3.OperationalError | OperationalError)
        if busy and any(phrase in str(cause) for phrase in SQLITE_BUSY):
            return True
    return False


def connection_lost(error: BaseException) -> bool:
    """Whether the connection to the database broke (the server restarted, an administrator
    ended it). Not run again here: a commit under way may or may not have landed, which only
    a retry with the same idempotency key can settle."""
    for cause in _causes(error):
        if getattr(cause, "connection_invalidated", False):
            return True
        state = str(getattr(cause, "sqlstate", None) or "")
        if state.startswith(LOST_SQLSTATE_CLASS) or state in SERVER_GONE_SQLSTATES:
            return True
    return False


def database_unreachable(error: BaseException) -> bool:
    """Whether a new connection to the database could not be made: refused, reset or timed
    out while connecting (the server restarting, a network cut). The driver raises these as
    they are, unwrapped; nothing was done, so the caller may simply try again."""
    return any(isinstance(cause, ConnectionError | TimeoutError) for cause in _causes(error))


def overloaded(error: BaseException) -> bool:
    """Whether the request never reached the database: the server had no connection slot left,
    or the pool had no connection free within its timeout. Nothing was done, so the caller may
    simply come back."""
    for cause in _causes(error):
        if isinstance(cause, PoolTimeout):
            return True
        if getattr(cause, "sqlstate", None) in OVERLOADED_SQLSTATES:
            return True
    return False


def mark_transient(scope: Scope) -> None:
    """Say that the error answer being made stands for a transient failure (the exception
    handlers call this; the retrying middleware then runs the request again)."""
    scope.setdefault("state", {})[FAILED_TRANSIENTLY] = True


def commits(status: int) -> bool:
    """The answers whose work is kept: 2xx, redirects (form posts) and a failed sign-in's 401."""
    return 200 <= status < 400 or status in COMMITTED_REFUSALS


@dataclass
class HeldAnswer:
    """An answer as the app makes it, sent on only once its work is committed."""

    messages: list[Message] = field(default_factory=list)
    transient: bool = False
    """The answer stands for a transient failure (`mark_transient`)."""
    failure: Exception | None = None
    """The commit failed: the answer must not be sent."""

    @property
    def status(self) -> int:
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        return int(starts[0]["status"]) if starts else 500

    @property
    def complete(self) -> bool:
        last = self.messages[-1] if self.messages else None
        return (
            last is not None and last["type"] == "http.response.body" and not last.get("more_body")
        )

    async def send_to(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


class RetryMiddleware:
    """Runs every unsafe request (POST, PUT, PATCH, DELETE) as a unit of work that is committed
    before its answer is sent and run again on a transient failure."""

    def __init__(self, app: ASGIApp, db_config: SQLAlchemyAsyncConfig) -> None:
        self.app = app
        self.session_key = db_config.session_scope_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, body_limit(scope))
        for attempt in range(1, ATTEMPTS + 1):
            answer = await self._attempt(scope, body, last=attempt == ATTEMPTS)
            if answer is not None:
                await answer.send_to(send)
                return
            logger.warning(
                "transient database failure on %s %s (attempt %d of %d); running it again",
                scope.get("method"),
                scope.get("path"),
                attempt,
                ATTEMPTS,
            )
            await asyncio.sleep(random.uniform(0, FIRST_WAIT_SECONDS * 2 ** (attempt - 1)))  # noqa: S311

    async def _attempt(self, scope: Scope, body: bytes, *, last: bool) -> HeldAnswer | None:
        """The committed answer of one run, or None when it failed transiently and another
        attempt is left. The last attempt's failure is answered (503) or raised as it is."""
        answer = HeldAnswer()
        unsent = ScopeState.from_scope(scope)
        unsent.response_started = False  # a held answer never started: errors may be answered

        async def hold(message: Message) -> None:
            answer.messages.append(message)
            if answer.complete:
                await self._settle(scope, answer)

        try:
            await self.app(scope, replaying(body), hold)
        except Exception as error:
            await self._abandon(scope)
            unsent.response_started = False
            if last or not is_transient(error):
                raise
            return None
        await self._abandon(scope)
        unsent.response_started = False
        if answer.failure is not None:
            if last or not is_transient(answer.failure):
                raise answer.failure
            return None
        return None if answer.transient and not last else answer

    async def _settle(self, scope: Scope, answer: HeldAnswer) -> None:
        """End the transaction as soon as the answer is made, before the app's background
        tasks run (they open sessions of their own): commit what the answer says was done."""
        state: dict[str, Any] = scope.setdefault("state", {})
        answer.transient = bool(state.pop(FAILED_TRANSIENTLY, False))
        try:
            await self._finish(scope, commit=commits(answer.status) and not answer.transient)
        except Exception as error:  # raised once the app is done with the request
            answer.failure = error

    async def _finish(self, scope: Scope, *, commit: bool) -> None:
        """Commit or roll back the request's session and let it go, so that the next attempt
        (or the answer's own handler) finds none."""
        session: AsyncSession | None = get_aa_scope_state(scope, self.session_key, pop=True)
        if session is None:
            return
        try:
            if commit:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()

    async def _abandon(self, scope: Scope) -> None:
        """Roll back what an attempt left open (all of it, after a failure): the failure is
        what the caller learns, so one in the rollback too (a connection already gone) is
        only logged."""
        try:
            await self._finish(scope, commit=False)
        except Exception:
            logger.debug("rollback after a failed request failed too", exc_info=True)
