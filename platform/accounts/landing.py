"""Where a user starts after signing in, by role: the one place to give a role its own start
page. A role not named starts at the account page, and so does a user whose roles would start
in different places."""

from __future__ import annotations

from accounts.models import Role

ACCOUNT_PAGE = "/account"
LANDINGS: dict[Role, str] = {Role.VIEWER: "/dashboard"}
"""Leaders and departments (viewers) come for the figures."""


def landing(roles: frozenset[Role]) -> str:
    starts = {LANDINGS.get(role, ACCOUNT_PAGE) for role in roles}
    return starts.pop() if len(starts) == 1 else ACCOUNT_PAGE
