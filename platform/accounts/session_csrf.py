"""The CSRF token bound to the browser session.

Litestar's CSRF middleware compares a form's token with the token cookie (a signed
double-submit cookie), but that cookie outlives sign-ins and anyone able to plant a cookie
chooses it. So a session gets its own token at sign-in, kept in the encrypted session cookie,
and for a signed-in request the middleware is shown that token in place of whatever token
cookie the browser sent: pages embed it, and only it passes. A token from before the sign-in,
from another session or planted by another site is refused.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.csrf import generate_csrf_token
from litestar.utils.scope.state import ScopeState


def new_session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """A token for a session that starts now, signed as the CSRF middleware expects."""
    config = connection.app.csrf_config
    assert config is not None, "the app protects forms with CSRF tokens"
    return generate_csrf_token(secret=config.secret)


def use_session_token(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> None:
    """Let the CSRF middleware (which runs after the identity middleware) read the session's
    token as the token cookie of this request."""
    config = connection.app.csrf_config
    if config is None:
        return
    ScopeState.from_scope(connection.scope).cookies = {
        **connection.cookies,
        config.cookie_name: token,
    }
