"""Signing in: lockout, session rotation, idle and absolute expiry, logout, CSRF."""

import re
from datetime import timedelta

from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, User
from core.audit import AuditEntry
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import PASSWORD, csrf_token, make_user, post_form, sign_in_through_form

SESSION_COOKIE = "xx_session"


async def _try(client: AsyncClient, username: str, password: str) -> int:
    response = await post_form(client, "/login", {"username": username, "password": password})
    return response.status_code


async def test_signed_in_user_sees_their_account(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.REVIEWER, username="lihua")
    await sign_in_through_form(client, "lihua")
    page = await client.get("/account")
    assert page.status_code == 200
    assert "lihua" in page.text
    assert "审核员" in page.text


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="known")
    wrong = await post_form(client, "/login", {"username": "known", "password": "Nope-nope-123"})
    unknown = await post_form(client, "/login", {"username": "nobody", "password": "Nope-nope-123"})
    assert wrong.status_code == unknown.status_code == 401
    message = "用户名或密码错误"
    assert message in wrong.text
    assert message in unknown.text


async def test_five_failures_lock_for_thirty_minutes(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    user = await make_user(session, Role.VIEWER, username="target")
    for _ in range(5):
        assert await _try(client, "target", "Wrong-password-1") == 401
    assert await _try(client, "target", PASSWORD) == 401, "locked: even the right password fails"
    await session.refresh(user)
    assert user.locked_until == clock.now + timedelta(minutes=30)
    clock.advance(minutes=29)
    assert await _try(client, "target", PASSWORD) == 401
    clock.advance(minutes=2)
    assert await _try(client, "target", PASSWORD) == 302


async def test_a_success_resets_the_failure_count(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await make_user(session, Role.VIEWER, username="careful")
    for _ in range(4):
        await _try(client, "careful", "Wrong-password-1")
    assert await _try(client, "careful", PASSWORD) == 302
    await session.refresh(user)
    assert user.failed_logins == 0
    assert user.locked_until is None


async def test_session_id_changes_at_login_and_the_old_one_is_useless(
    client: AsyncClient, session: AsyncSession, app: Litestar
) -> None:
    await make_user(session, Role.VIEWER, username="rotating")
    await sign_in_through_form(client, "rotating")
    first = client.cookies[SESSION_COOKIE]
    await sign_in_through_form(client, "rotating")
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    async with serve(app) as other:
        other.cookies.set(SESSION_COOKIE, second)
        assert (await other.get("/account")).status_code == 200


async def test_idle_sessions_end_after_thirty_minutes(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.VIEWER, username="idle")
    await sign_in_through_form(client, "idle")
    clock.advance(minutes=29)
    assert (await client.get("/account")).status_code == 200
    clock.advance(minutes=29)
    assert (await client.get("/account")).status_code == 200, "activity keeps it alive"
    clock.advance(minutes=31)
    response = await client.get("/account")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=")


async def test_sessions_end_after_twelve_hours_even_when_active(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.VIEWER, username="busy")
    await sign_in_through_form(client, "busy")
    for _ in range(35):  # 11 h 40 min of activity, never idle for long
        clock.advance(minutes=20)
        assert (await client.get("/account")).status_code == 200
    clock.advance(minutes=20)  # 12 h after sign-in
    assert (await client.get("/account")).status_code in (302, 303)


async def test_logout_ends_the_session_everywhere(
    client: AsyncClient, session: AsyncSession, app: Litestar
) -> None:
    await make_user(session, Role.VIEWER, username="leaving")
    await sign_in_through_form(client, "leaving")
    stolen = client.cookies[SESSION_COOKIE]
    response = await post_form(client, "/logout", {}, token_page="/account")
    assert response.status_code in (302, 303)
    async with serve(app) as other:
        other.cookies.set(SESSION_COOKIE, stolen)
        assert (await other.get("/account")).status_code in (302, 303)


async def test_form_post_without_csrf_token_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="victim")
    response = await client.post("/login", data={"username": "victim", "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_htmx_post_needs_the_token_header(client: AsyncClient, session: AsyncSession) -> None:
    await make_user(session, Role.VIEWER, username="htmx")
    await sign_in_through_form(client, "htmx")
    without = await client.post("/logout", headers={"HX-Request": "true"})
    assert without.status_code == 403
    assert (await client.get("/account")).status_code == 200, "still signed in"
    token = await csrf_token(client, "/account")
    with_header = await client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert with_header.status_code in (302, 303)


async def test_login_and_failures_are_audited_without_the_password(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="audited")
    await _try(client, "audited", "Wrong-password-1")
    await sign_in_through_form(client, "audited")
    entries = list(
        await session.scalars(select(AuditEntry).order_by(AuditEntry.occurred_at, AuditEntry.id))
    )
    actions = [entry.action for entry in entries if entry.actor_username == "audited"]
    assert actions[-2:] == ["login.failed", "login.succeeded"]
    text = repr([(e.before, e.after, e.object_id) for e in entries])
    assert PASSWORD not in text
    assert "Wrong-password-1" not in text


async def test_session_cookie_is_httponly_and_lax(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="cookie")
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"username": "cookie", "password": PASSWORD, "_csrf_token": token}
    )
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=lax" in header


async def test_anonymous_visitors_get_no_session_cookie(client: AsyncClient) -> None:
    response = await client.get("/")
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_inactive_user_cannot_sign_in(client: AsyncClient, session: AsyncSession) -> None:
    user = await make_user(session, Role.VIEWER, username="gone")
    user.is_active = False
    await session.flush()
    assert await _try(client, "gone", PASSWORD) == 401
    assert (await session.scalar(select(User).where(User.username == "gone"))) is not None


async def test_own_account_pages_render_and_a_token_is_shown_once(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="owner")
    await sign_in_through_form(client, "owner")
    assert (await client.get("/account/password")).status_code == 200
    page = await client.get("/account/tokens")
    assert page.status_code == 200
    assert "暂无令牌" in page.text
    created = await post_form(
        client, "/account/tokens", {"name": "夜间导出", "days": "7"}, token_page="/account/tokens"
    )
    assert created.status_code == 200
    secret = re.search(r"<code>(xx_[^<]+)</code>", created.text)
    assert secret, "the new token is shown"
    again = await client.get("/account/tokens")
    assert "夜间导出" in again.text
    assert secret.group(1) not in again.text, "and never again"
