"""Idempotency keys: a retried or double-sent create makes one thing, and gets the first answer.

A route opts in with ``opt=IDEMPOTENT``. Scripts send an ``Idempotency-Key`` header; forms that
create carry a one-time key in their action's query string (``?_once=…``, see
``core.templating``), since a form cannot set a header. The first successful answer (2xx or
a redirect) is stored with a fingerprint of the request, in the same transaction as the change
it made: the same key with the same request gets that answer again and changes nothing, the
same key with another request is a 422. Keys belong to the signed-in user (a visitor's, on
registration, to one anonymous owner: they are random keys handed out with the form) and are
kept for ``KEEP`` (seven days), then swept. Answers are kept uncompressed and compressed at
each sending for that request's own ``Accept-Encoding``.

Two identical requests at once: on SQLite the second waits for the first's write lock and then
finds its key; on PostgreSQL the second's insert of the key waits on the unique index and fails
when the first commits, its own change is rolled back and the first answer is sent instead.
Generic on purpose: any create route (the funds ledger next) opts in the same way.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from litestar.handlers import HTTPRouteHandler
from sqlalchemy import JSON, Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import N_, DomainError, FieldProblem, InvalidInput
from core.request_body import body_limit, read_body, replaying

if TYPE_CHECKING:
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar.types import (
        ASGIApp,
        HTTPResponseStartEvent,
        Message,
        Receive,
        Scope,
        Send,
    )
    from sqlalchemy.ext.asyncio import AsyncSession

IDEMPOTENT: dict[str, Any] = {"idempotent": True}
HEADER = b"idempotency-key"
FORM_PARAMETER = "_once"
MAX_KEY_LENGTH = 200
KEEP = timedelta(days=7)
SWEEP_EVERY = timedelta(hours=1)
UNSTORED_HEADERS = frozenset({b"set-cookie", b"date"})
"""Cookies belong to the visitor's current session, not to the first answer."""
COMPRESSION_HEADERS = frozenset({b"content-encoding", b"content-length"})
ANONYMOUS = "anonymous"


class IdempotencyKey(UUIDv7Base):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_key_owner_key"),)

    owner: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[list[list[str]]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class KeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


def _key_problem(message: str) -> InvalidInput:
    return InvalidInput(
        message, problems=[FieldProblem("Idempotency-Key", "invalid_idempotency_key", message)]
    )


def _key_of(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("latin-1").strip()
    query = scope.get("query_string", b"").decode("latin-1")
    for pair in query.split("&"):
        parameter, _, given = pair.partition("=")
        if parameter == FORM_PARAMETER:
            return given
    return None


def _owner_of(scope: Scope) -> str:
    """Keys of signed-in users are theirs; a visitor's (registration) are random one-time keys
    handed out with the form, so they share one owner without meeting each other's."""
    user_id = getattr(scope.get("user"), "user_id", None)
    return ANONYMOUS if user_id is None else str(user_id)


async def prune(session: AsyncSession, now: datetime) -> None:
    """Forget keys older than ``KEEP``."""
    await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEEP))


@dataclass
class _Answer:
    """An answer as it goes out, held back until its last byte so it can be stored first."""

    start: HTTPResponseStartEvent | None = None
    body: list[bytes] = field(default_factory=list)

    @property
    def status(self) -> int:
        return int(self.start["status"]) if self.start else 500


class IdempotencyMiddleware:
    """Runs after the identity middleware, on the request's own database session."""

    def __init__(self, app: ASGIApp, db_config: SQLAlchemyAsyncConfig) -> None:
        self.app = app
        self.db_config = db_config
        self.next_sweep: datetime | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        key = _key_of(scope) if scope["type"] == "http" else None
        if key is None or not isinstance(handler, HTTPRouteHandler):
            await self.app(scope, receive, send)
            return
        if not handler.opt.get("idempotent"):
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise _key_problem(N_("An idempotency key has 1 to 200 characters."))
        body = await read_body(receive, body_limit(scope))
        fingerprint = _fingerprint(scope, body)
        owner = _owner_of(scope)
        session = self.db_config.provide_session(scope["app"].state, scope)
        await self._sweep(session, scope["app"].state.clock())
        stored = await _stored(session, owner, key)
        if stored is not None:
            await _replay(scope, stored, fingerprint, send)
            return
        answer = _Answer()

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            answer.body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await self._keep(session, scope, owner, key, fingerprint, answer, send)

        await self.app(scope, replaying(body), hold)

    async def _keep(
        self,
        session: AsyncSession,
        scope: Scope,
        owner: str,
        key: str,
        fingerprint: str,
        answer: _Answer,
        send: Send,
    ) -> None:
        """Store a successful answer with the change it made, then send it; if another request
        with the same key won meanwhile, undo this one and send the winner's answer."""
        content = b"".join(answer.body)
        if answer.start is None:  # a body without a start: nothing valid to keep or send
            return
        if 200 <= answer.status < 400:
            headers, plain = _plain(list(answer.start.get("headers", [])), content)
            session.add(
                IdempotencyKey(
                    owner=owner,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=answer.status,
                    headers=headers,
                    body=plain,
                    created_at=scope["app"].state.clock(),
                )
            )
            try:
                await session.flush()
            except IntegrityError:
                await session.rollback()
                stored = await _stored(session, owner, key)
                if stored is not None:
                    await _replay(scope, stored, fingerprint, send)
                    return
                raise
        await send(answer.start)
        await send({"type": "http.response.body", "body": content, "more_body": False})

    async def _sweep(self, session: AsyncSession, now: datetime) -> None:
        if self.next_sweep is None or now >= self.next_sweep:
            await prune(session, now)
            self.next_sweep = now + SWEEP_EVERY


def _fingerprint(scope: Scope, body: bytes) -> str:
    """What makes two requests the same: method, path and body. A multipart body's boundary is
    chosen afresh by the client for every send, so it is left out."""
    for name, value in scope["headers"]:
        if name == b"content-type" and b"boundary=" in value:
            boundary = value.split(b"boundary=", 1)[1].split(b";", 1)[0].strip(b'"')
            body = body.replace(boundary, b"")
    parts = [str(scope.get("method", "")).encode(), scope["path"].encode(), body]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


async def _stored(session: AsyncSession, owner: str, key: str) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
    )


async def _replay(scope: Scope, stored: IdempotencyKey, fingerprint: str, send: Send) -> None:
    if stored.fingerprint != fingerprint:
        raise KeyReused(
            N_(
                "This idempotency key was already used for a different request; "
                "use a new key for a new request."
            )
        )
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers]
    start: Message = {
        "type": "http.response.start",
        "status": stored.status_code,
        "headers": headers,
    }
    await _send_encoded(scope, start, stored.body, send)


def _plain(headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[list[list[str]], bytes]:
    """The answer to keep: as the handler made it, before the app's compression, so that each
    replay is compressed for its own request's ``Accept-Encoding`` (`_send_encoded`)."""
    compressed = (b"content-encoding", b"gzip") in [(n.lower(), v.lower()) for n, v in headers]
    dropped = UNSTORED_HEADERS | (COMPRESSION_HEADERS if compressed else frozenset())
    if compressed:
        body = gzip.decompress(body)
    kept = [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, value in headers
        if name.lower() not in dropped
    ]
    if compressed:
        kept = [header for header in map(_vary_less, kept) if header[1]]
        kept.append(["content-length", str(len(body))])
    return kept, body


def _vary_less(header: list[str]) -> list[str]:
    """A ``Vary`` header without the ``Accept-Encoding`` that compression added (it adds it
    again when it compresses a replay); any other header as it is."""
    name, value = header
    if name.lower() != "vary":
        return header
    kept = [part.strip() for part in value.split(",") if part.strip().lower() != "accept-encoding"]
    return [name, ", ".join(kept)]


async def _send_encoded(scope: Scope, start: Message, body: bytes, send: Send) -> None:
    """Send an answer compressed as the app's own compression would for this request's
    ``Accept-Encoding``: a retry gets plain text unless it too asked for gzip."""

    async def answer(_scope: Scope, _receive: Receive, send_answer: Send) -> None:
        await send_answer(start)
        await send_answer({"type": "http.response.body", "body": body, "more_body": False})

    config = scope["app"].compression_config
    if config is None:
        await answer(scope, replaying(b""), send)
        return
    await config.middleware_class(app=answer, config=config)(scope, replaying(b""), send)
