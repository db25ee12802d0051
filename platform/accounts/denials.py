"""Answers to "who are you?" (401) and "not you" (403), with refusals in the audit log.

Pages send an anonymous visitor to the login page and back afterwards; the API answers 401
with ``WWW-Authenticate: Bearer``. Every 403 is recorded once the answer is sent, when the
request's own (rolled-back) transaction is over, in a transaction of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect

from accounts.identity import Identity
from core.audit import Actor, record
from core.errors import PermissionDenied
from core.http_errors import API_PREFIX, handle_domain_error, handle_http_error

LOGIN_PATH = "/login"


def client_ip(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def actor_of(request: Request[Any, Any, Any]) -> Actor:
    identity: Identity | None = request.scope.get("user")
    ip = client_ip(request)
    return identity.actor(ip) if identity else Actor(None, None, None, ip)


def handle_not_authenticated(
    request: Request[Any, Any, Any], exc: NotAuthorizedException
) -> Response[Any]:
    if request.url.path.startswith(API_PREFIX):
        response = handle_http_error(request, exc)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"{LOGIN_PATH}?next={quote(target, safe='')}")


def handle_permission_denied(
    request: Request[Any, Any, Any], exc: PermissionDenied
) -> Response[Any]:
    response = handle_domain_error(request, exc)
    response.background = BackgroundTask(
        _record_denial,
        request.app.state.db_config,
        actor_of(request),
        f"{request.method} {request.url.path}"[:64],
        {"code": exc.code, "params": exc.params},
        request.app.state.clock(),
    )
    return response


async def _record_denial(
    db_config: SQLAlchemyAsyncConfig,
    actor: Actor,
    route: str,
    detail: dict[str, Any],
    at: datetime,
) -> None:
    """After the answer is sent (the request's own transaction is over), in a short
    transaction of its own."""
    async with db_config.get_session() as session:
        record(
            session,
            actor=actor,
            action="access.denied",
            object_type="route",
            object_id=route,
            after=detail,
            at=at,
        )
        await session.commit()
