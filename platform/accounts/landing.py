"""Where a user starts after signing in, by role: the one place to give a role its own start
page, the page of its daily work. A user with several roles starts at the work of the first of
them in ``LANDINGS`` (administration before review, review before a station's or an
organization's to-do list, those before the figures); a user with no role at the account page."""

from __future__ import annotations

from accounts.models import Role

ACCOUNT_PAGE = "/account"
LANDINGS: dict[Role, str] = {
    Role.ADMIN: "/admin/organizations?verification=pending",
    Role.REVIEWER: "/review",
    Role.STATION_WORKER: "/todo",
    Role.MEMBER: "/todo",
    Role.VIEWER: "/dashboard",
}
"""Administrators verify the organizations that registered; reviewers work the review queue
(the matching workbench is one link away); station workers and organization members find their
drafts, returned entries, proposals to answer and agreement steps on the to-do list; leaders
and departments (viewers) come for the figures."""


def landing(roles: frozenset[Role]) -> str:
    return next((start for role, start in LANDINGS.items() if role in roles), ACCOUNT_PAGE)
