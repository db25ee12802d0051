"""Where signing in leads: each role to its daily work — an administrator to the organizations
awaiting verification, a reviewer to the review queue, a station worker and an organization's
member to the to-do list, a viewer (leaders, departments) to the dashboard — and an explicit
safe ``next`` before any of them (issue 18 item 3, issue 19 item 2)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.factories import PASSWORD, csrf_token, make_user

LANDS = {
    Role.VIEWER: "/dashboard",
    Role.REVIEWER: "/review",
    Role.ADMIN: "/admin/organizations?verification=pending",
    Role.MEMBER: "/todo",
    Role.STATION_WORKER: "/todo",
}


async def signed_in_at(client: AsyncClient, username: str, next_path: str | None = None) -> str:
    """Where the login form sends the user (``next`` as the sign-in page carries it)."""
    page = "/login" if next_path is None else f"/login?next={next_path}"
    token = await csrf_token(client, page)
    form = {"username": username, "password": PASSWORD, "_csrf_token": token}
    if next_path is not None:
        form["next"] = next_path
    answer = await client.post("/login", data=form)
    assert answer.status_code in (302, 303), answer.text[:300]
    return answer.headers["location"]


@pytest.mark.parametrize("role", list(LANDS))
async def test_each_role_lands_on_its_work_and_the_page_opens(
    client: AsyncClient, session: AsyncSession, role: Role
) -> None:
    await make_user(session, role, username="someone")
    landed = await signed_in_at(client, "someone")
    assert landed == LANDS[role]
    page = await client.get(landed)
    assert page.status_code == 200, page.text[:300]


async def test_the_administrator_lands_on_the_organizations_awaiting_verification(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="chief")
    page = await client.get(await signed_in_at(client, "chief"))
    assert '<option value="pending" selected>' in page.text


async def test_an_explicit_safe_next_wins_over_the_landing(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="leader")
    assert await signed_in_at(client, "leader", "/agreements") == "/agreements"
    client.cookies.clear()
    assert await signed_in_at(client, "leader", "//elsewhere.example") == "/dashboard"


async def test_a_viewer_who_also_reviews_starts_at_the_review_queue(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, Role.REVIEWER, username="both")
    assert await signed_in_at(client, "both") == "/review"
