"""Who is asking: a bearer token under ``/api``, the session cookie everywhere else.

Anonymous visitors pass through as ``request.user = None`` (the public site is public) and cost
no database query; the access guard decides what they may see. The API never trusts the
cookie, so cross-site requests cannot ride on a browser session there, and CSRF protection can
leave ``/api`` to bearer tokens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from accounts.authentication import AuthenticationService, SessionCookie
from accounts.identity import Identity
from accounts.session_csrf import use_session_token

API_PREFIX = "/api/"
BEARER = "bearer "


class IdentityMiddleware(AbstractAuthenticationMiddleware):
    def __init__(
        self, app: ASGIApp, db_config: SQLAlchemyAsyncConfig, exclude: list[str] | None = None
    ) -> None:
        super().__init__(app, exclude=exclude)
        self.db_config = db_config

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if connection.scope["path"].startswith(API_PREFIX):
            identity = await self._from_bearer(connection)
        else:
            identity = await self._from_session(connection)
        return AuthenticationResult(user=identity, auth=None)

    def _service(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationService:
        db_session = self.db_config.provide_session(connection.app.state, connection.scope)
        return AuthenticationService(db_session, connection.app.state.clock)

    async def _from_bearer(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Identity | None:
        header = connection.headers.get("authorization", "")
        if not header.lower().startswith(BEARER):
            return None
        return await self._service(connection).resume_token(header[len(BEARER) :].strip())

    async def _from_session(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> Identity | None:
        stored = connection.scope.get("session")
        data: dict[str, Any] = stored if isinstance(stored, dict) else {}
        cookie = SessionCookie.read(data)
        if cookie is None:
            return None
        service = self._service(connection)
        identity = await service.resume_session(cookie) if cookie.csrf else None
        if identity is None:
            connection.scope["session"] = {}
            return None
        use_session_token(connection, cookie.csrf)
        seen = service.clock().timestamp()
        connection.scope["session"] = {**data, **replace(cookie, seen=seen).write()}
        return identity
