"""Reading a request's whole body before the app does, and handing it over again: for
middleware that must see the body first (idempotency fingerprints) or run the app more than
once with it (retries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from litestar.types import HTTPDisconnectEvent, HTTPRequestEvent

if TYPE_CHECKING:
    from litestar.types import Receive, Scope

DEFAULT_LIMIT = 10_000_000
"""Litestar's own default request body limit, for routes that set none."""


def body_limit(scope: Scope) -> int:
    """The route's own request body limit, as Litestar would apply it."""
    handler = scope.get("route_handler")
    if isinstance(handler, HTTPRouteHandler):
        return handler.resolve_request_max_body_size() or DEFAULT_LIMIT
    return DEFAULT_LIMIT


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, refused past the route's own size limit as Litestar would."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def replaying(body: bytes) -> Receive:
    """The body once more for the app, which reads it after us."""
    sent = False

    async def receive() -> HTTPRequestEvent | HTTPDisconnectEvent:
        nonlocal sent
        if sent:
            return HTTPDisconnectEvent(type="http.disconnect")
        sent = True
        return HTTPRequestEvent(type="http.request", body=body, more_body=False)

    return receive
