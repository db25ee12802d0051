"""Where signing in leads: a viewer (leaders, departments) to the dashboard, every other role
to its account page as before, and an explicit safe ``next`` before either (issue 18, item 3)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.factories import PASSWORD, csrf_token, make_user

LANDS = {
    Role.VIEWER: "/dashboard",
    Role.REVIEWER: "/account",
    Role.ADMIN: "/account",
    Role.MEMBER: "/account",
    Role.STATION_WORKER: "/account",
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
async def test_each_role_lands_where_it_starts(
    client: AsyncClient, session: AsyncSession, role: Role
) -> None:
    await make_user(session, role, username="someone")
    assert await signed_in_at(client, "someone") == LANDS[role]


async def test_an_explicit_safe_next_wins_over_the_landing(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="leader")
    assert await signed_in_at(client, "leader", "/agreements") == "/agreements"
    client.cookies.clear()
    assert await signed_in_at(client, "leader", "//elsewhere.example") == "/dashboard"


async def test_a_viewer_who_also_reviews_keeps_the_account_page(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, Role.REVIEWER, username="both")
    assert await signed_in_at(client, "both") == "/account"
