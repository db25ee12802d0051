"""A user whose password was reset sees nothing but the password page until they choose a
new one: every other page sends them there (their tokens are refused meanwhile, see
``AuthenticationService.resume_token``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect

from accounts.identity import Identity

PASSWORD_PAGE = "/account/password"  # noqa: S105 - a path, not a secret
WHILE_PASSWORD_RESET = "while_password_reset"  # noqa: S105 - an opt key
ALLOWED_WHILE_PASSWORD_RESET: dict[str, Any] = {WHILE_PASSWORD_RESET: True}
"""``opt`` of the routes that stay open: the password page itself, signing out, language."""


async def send_to_password_page(request: Request[Any, Any, Any]) -> Redirect | None:
    """The app's ``before_request`` hook (it runs after the access guard)."""
    identity: Identity | None = request.scope.get("user")
    if identity is None or not identity.must_change_password:
        return None
    if request.route_handler.opt.get(WHILE_PASSWORD_RESET):
        return None
    return Redirect(PASSWORD_PAGE)
