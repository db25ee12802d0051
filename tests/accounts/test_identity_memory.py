"""The identities each worker remembers for a few seconds: a remembered session or token still
ends at once when it is revoked, signed out or its user deactivated."""

from __future__ import annotations

from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.authentication import secret_hash
from accounts.identity_memory import IDENTITIES
from accounts.models import Role, User
from tests.clients import AppClient, serve
from tests.factories import bearer, csrf_token, make_user, sign_in


async def _me(client: AppClient, token: dict[str, str]) -> int:
    return (await client.get("/api/v1/me", headers=token)).status_code


async def _revoke_own(client: AppClient, token: dict[str, str]) -> None:
    listed = await client.get("/api/v1/auth/tokens", headers=token)
    token_id = listed.json()["items"][0]["id"]
    revoked = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=token)
    assert revoked.status_code == 204


async def _remembered_token(client: AppClient, username: str) -> dict[str, str]:
    """A token of the user, used once so that this worker remembers whose it is."""
    token = await bearer(client, username)
    assert await _me(client, token) == 200
    secret = token["Authorization"].removeprefix("Bearer ")
    assert IDENTITIES.get(secret_hash(secret)) is not None
    return token


async def test_a_revoked_token_is_refused_on_the_next_request(
    app: Litestar, session: AsyncSession
) -> None:
    await make_user(session, Role.REVIEWER, username="remembered")
    async with serve(app) as client:
        token = await _remembered_token(client, "remembered")
        assert (await client.get("/api/v1/needs", headers=token)).status_code == 200
        await _revoke_own(client, token)
        assert await _me(client, token) == 401, "refused at once"


async def test_a_deactivated_user_is_refused_on_the_next_request(
    app: Litestar, session: AsyncSession
) -> None:
    """Deactivated through the admin API, or written straight to the account."""
    await make_user(session, Role.ADMIN, username="chief")
    leaver = await make_user(session, Role.VIEWER, username="leaver")
    quiet = await make_user(session, Role.VIEWER, username="quiet")
    async with serve(app) as client:
        admin = await bearer(client, "chief")
        token = await _remembered_token(client, "quiet")
        user = await session.scalar(select(User).where(User.id == quiet.id))
        assert user is not None
        user.is_active = False
        await session.flush()
        assert await _me(client, token) == 401, "refused at once"
        token = await _remembered_token(client, "leaver")
        done = await client.post(f"/api/v1/users/{leaver.id}/deactivate", headers=admin)
        assert done.status_code == 200
        assert await _me(client, token) == 401, "refused at once"


async def test_a_signed_out_session_is_refused_on_the_next_request(
    app: Litestar, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="leaving")
    async with serve(app) as browser:
        await sign_in(browser, "leaving")
        assert (await browser.get("/account")).status_code == 200
        token = await csrf_token(browser, "/account")
        kept = browser.cookies.get("xx_session")
        out = await browser.post("/logout", data={"_csrf_token": token})
        assert out.status_code in (302, 303)
        assert kept is not None
        browser.cookies.set("xx_session", kept)
        again = await browser.get("/account")
        assert again.status_code in (302, 303), "the old cookie no longer signs in"
        assert again.headers["location"].startswith("/login")
