"""Who may call a route: every route declares it, and anything undeclared is refused.

Declare on a handler, controller or router with ``opt=``: ``PUBLIC`` (anyone), ``SIGNED_IN``
(any active user) or ``roles(Role.ADMIN, …)``. One app-wide guard enforces the declaration;
object-level rules (an organization edits only its own offers) live in the policies.

The vocabulary lives in core so that every package can declare its routes: roles are any
enumeration whose members carry a ``label``, and the signed-in user is anything that answers
``has(*roles)`` (``accounts`` supplies both).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from core.errors import N_, Labels, PermissionDenied

ACCESS_KEY = "access"
OPTIONS_MODULE = "litestar.routes.http"
PUBLIC: dict[str, Any] = {ACCESS_KEY: "public"}
SIGNED_IN: dict[str, Any] = {ACCESS_KEY: "signed_in"}


def roles(*allowed: Enum) -> dict[str, Any]:
    return {ACCESS_KEY: "roles", "roles": frozenset(allowed)}


class MissingRole(PermissionDenied):
    code = "missing_role"


class UndeclaredAccess(PermissionDenied):
    code = "access_not_declared"


def declared_access(handler: BaseRouteHandler) -> str | None:
    return handler.opt.get(ACCESS_KEY)


def _is_generated_options(handler: BaseRouteHandler) -> bool:
    """Litestar's own ``OPTIONS`` answer (204 with ``Allow``) for every path: it reveals
    nothing and runs before authentication, so a role rule on its controller cannot apply."""
    return getattr(handler.fn, "__module__", "") == OPTIONS_MODULE


async def enforce_access(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app-wide guard. A coroutine although it never waits: Litestar runs a plain
    function guard in a worker thread, a hop that cost every request more than the check."""
    if declared_access(handler) == "public" or _is_generated_options(handler):
        return
    _check(connection.user, handler)


def admits(identity: Any, handler: BaseRouteHandler) -> bool:
    """Whether the guard lets this visitor (None: anonymous) call the handler: for pages that
    link only where the visitor may go."""
    try:
        _check(identity, handler)
    except (NotAuthorizedException, PermissionDenied):
        return False
    return True


def _check(identity: Any, handler: BaseRouteHandler) -> None:
    access = declared_access(handler)
    if access == "public":
        return
    if access not in {"signed_in", "roles"}:
        raise UndeclaredAccess(N_("This address does not say who may use it, so no one may."))
    if identity is None:
        raise NotAuthorizedException
    if access == "roles":
        allowed: frozenset[Any] = handler.opt["roles"]
        if not identity.has(*allowed):
            labels = Labels(role.label for role in _in_declared_order(allowed))
            raise MissingRole(
                N_("This needs one of these roles: %(roles)s."), params={"roles": labels}
            )


def _in_declared_order(allowed: frozenset[Any]) -> list[Any]:
    """The roles in the order their enumeration declares them, so the message reads the same
    whatever order a route named them in."""
    enumeration = type(next(iter(allowed)))
    return [role for role in enumeration if role in allowed]
