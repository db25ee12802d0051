"""What changing or resetting a password does to sessions and tokens, and the CSRF token bound
to the session."""

from __future__ import annotations

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, User
from tests.clients import serve
from tests.factories import PASSWORD, bearer, csrf_token, make_user, post_form, sign_in

SESSION_COOKIE = "xx_session"
CSRF_COOKIE = "xx_csrf"
NEW_PASSWORD = "Quiet-harbour-lantern-58"


async def _change(client: object, current: str, new: str = NEW_PASSWORD) -> object:
    return await post_form(
        client,  # type: ignore[arg-type]
        "/account/password",
        {"current_password": current, "new_password": new},
        token_page="/account/password",
    )


async def test_a_password_change_ends_the_other_sessions_and_revokes_the_tokens(
    app: Litestar, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="careful")
    async with serve(app) as laptop, serve(app) as phone:
        await sign_in(laptop, "careful")
        await sign_in(phone, "careful")
        token = await bearer(laptop, "careful")
        assert (await laptop.get("/api/v1/me", headers=token)).status_code == 200

        changed = await _change(laptop, PASSWORD)
        assert changed.status_code in (302, 303), changed.text[:300]  # type: ignore[attr-defined]

        assert (await laptop.get("/account")).status_code == 200, "this session stays"
        other = await phone.get("/account")
        assert other.status_code in (302, 303), "the other session has ended"
        assert (await laptop.get("/api/v1/me", headers=token)).status_code == 401


async def test_wrong_current_passwords_count_towards_the_lockout(
    app: Litestar, session: AsyncSession
) -> None:
    user = await make_user(session, Role.VIEWER, username="guessed")
    async with serve(app) as thief, serve(app) as owner:
        await sign_in(thief, "guessed")
        for _ in range(5):
            refused = await _change(thief, "Wrong-guess-1234")
            assert refused.status_code == 401  # type: ignore[attr-defined]
        await session.refresh(user)
        assert user.locked_until is not None, "five wrong guesses lock the account"
        right = await _change(thief, PASSWORD)
        assert right.status_code == 401, "locked: even the right one is refused"  # type: ignore[attr-defined]
        login = await post_form(owner, "/login", {"username": "guessed", "password": PASSWORD})
        assert login.status_code == 401, "the lock holds for sign-ins too"


async def test_a_reset_password_opens_only_the_password_page_and_no_token(
    app: Litestar, session: AsyncSession
) -> None:
    user = await make_user(session, Role.REVIEWER, username="reset")
    await _must_change(session, user)
    async with serve(app) as browser:
        await sign_in(browser, "reset")
        for path in ("/account", "/review", "/catalogue", "/account/tokens", "/"):
            answer = await browser.get(path)
            assert answer.status_code in (302, 303), path
            assert answer.headers["location"] == "/account/password", path
        assert (await browser.get("/account/password")).status_code == 200
        issued = await browser.post(
            "/api/v1/auth/token", json={"username": "reset", "password": PASSWORD}
        )
        assert issued.status_code == 403
        assert issued.json()["code"] == "password_change_required"

        assert (await _change(browser, PASSWORD)).status_code in (302, 303)  # type: ignore[attr-defined]
        assert (await browser.get("/review")).status_code == 200


async def test_tokens_issued_before_a_reset_stop_working(
    app: Litestar, session: AsyncSession
) -> None:
    user = await make_user(session, Role.VIEWER, username="script")
    async with serve(app) as client:
        token = await bearer(client, "script")
        await _must_change(session, user)
        assert (await client.get("/api/v1/me", headers=token)).status_code == 401


async def test_the_csrf_token_is_bound_to_the_session(app: Litestar, session: AsyncSession) -> None:
    await make_user(session, Role.VIEWER, username="victim")
    async with serve(app) as attacker, serve(app) as victim:
        planted = await csrf_token(attacker, "/login")
        victim.cookies.set(CSRF_COOKIE, attacker.cookies[CSRF_COOKIE])
        await sign_in(victim, "victim")
        forged = await victim.post("/logout", data={"_csrf_token": planted})
        assert forged.status_code == 403, "a token from outside the session is refused"
        assert (await victim.get("/account")).status_code == 200, "still signed in"

        page_token = await csrf_token(victim, "/account")
        assert page_token != planted, "pages embed the session's own token"
        victim.cookies.delete(CSRF_COOKIE)
        own = await victim.post("/logout", data={"_csrf_token": page_token})
        assert own.status_code in (302, 303), "the session's token works without the cookie"


async def _must_change(session: AsyncSession, user: User) -> None:
    user.must_change_password = True
    await session.flush()
