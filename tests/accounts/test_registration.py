"""Organizations register themselves and wait for an administrator's verification."""

import re

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, User, Verification
from core.i18n import LOCALE_COOKIE
from tests.factories import credit_code, csrf_token, sign_in_through_form

FORM = {
    "name": "鲁甸县爱心助学协会",
    "org_type": "social_group",
    "origin": "local",
    "registration_level": "county",
    "focus_categories": ["special_groups", "talent"],
    "contact_name": "王芳",
    "contact_phone": "0870-5123456",
    "service_region_codes": "530621000000",
    "username": "ludian_aixin",
    "display_name": "王芳",
    "password": "Ludian-river-school-42",
    "password_again": "Ludian-river-school-42",
    "privacy_consent": "true",
}


async def _register(client: AsyncClient, **changes: object) -> object:
    token = await csrf_token(client, "/register")
    return await client.post("/register", data={**FORM, **changes, "_csrf_token": token})


async def test_registration_creates_a_pending_organization_and_its_member(
    client: AsyncClient, session: AsyncSession
) -> None:
    response = await _register(client, credit_code=credit_code(4242))
    assert response.status_code in (302, 303), response.text[:1000]
    organization = await session.scalar(
        select(Organization).where(Organization.name == FORM["name"])
    )
    assert organization is not None
    assert organization.verification is Verification.PENDING
    assert organization.verified_at is None
    assert organization.focus_categories == ["special_groups", "talent"]
    assert organization.service_region_codes == ["530621000000"]
    member = await session.scalar(select(User).where(User.username == "ludian_aixin"))
    assert member is not None
    assert member.organization_id == organization.id
    assert member.roles == ["member"]
    assert member.privacy_consent_at is not None, "the consent time is kept on the account"
    await sign_in_through_form(client, "ludian_aixin", FORM["password"])
    assert "鲁甸县爱心助学协会" in (await client.get("/account")).text


async def test_bad_registration_lists_every_problem_and_stores_nothing(
    client: AsyncClient, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(Organization))
    response = await _register(
        client,
        credit_code="51530600MJ000000X",
        password="password",
        username="a",
        contact_phone="call me",
    )
    assert response.status_code == 400
    page = response.text
    assert "统一社会信用代码为18位" in page
    assert 'id="e-password"' in page
    assert 'id="e-username"' in page
    assert 'id="e-contact_phone"' in page
    assert 'value="password"' not in page, "the password is never sent back"
    after = await session.scalar(select(func.count()).select_from(Organization))
    assert after == before


async def test_a_taken_credit_code_is_refused(client: AsyncClient, session: AsyncSession) -> None:
    await _register(client, credit_code=credit_code(5151))
    again = await _register(
        client, credit_code=credit_code(5151), name="另一个名字", username="someone_else"
    )
    assert again.status_code == 400
    assert "统一社会信用代码" in again.text


async def test_a_double_clicked_registration_registers_once(
    client: AsyncClient, session: AsyncSession
) -> None:
    page = await client.get("/register")
    action = re.search(r'<form method="post" action="(/register\?_once=[^"]+)"', page.text)
    assert action is not None, "the registration form carries a one-time key"
    token = await csrf_token(client, "/register")
    form = {**FORM, "credit_code": credit_code(4243), "_csrf_token": token}
    clicks = [await client.post(action.group(1), data=form) for _ in range(2)]
    assert [click.status_code for click in clicks] == [302, 302], clicks[1].text[:500]
    assert clicks[0].headers["location"] == clicks[1].headers["location"] == "/login"
    count = select(func.count()).select_from(Organization)
    assert await session.scalar(count.where(Organization.name == FORM["name"])) == 1


async def test_the_password_is_asked_twice_and_a_difference_keeps_the_other_fields(
    client: AsyncClient, session: AsyncSession
) -> None:
    response = await _register(
        client, credit_code=credit_code(4244), password_again="Ludian-river-school-43"
    )
    assert response.status_code == 400
    page = response.text
    assert 'id="e-password_again"' in page
    assert "两次输入的密码不一致" in page
    assert f'value="{FORM["name"]}"' in page, "the other fields stay filled in"
    assert 'value="ludian_aixin"' in page
    assert 'name="privacy_consent" value="true" required checked' in page
    assert "Ludian-river-school" not in page, "neither password is sent back"
    assert await session.scalar(select(User).where(User.username == "ludian_aixin")) is None


async def test_registering_without_consent_to_the_notice_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    form = {key: value for key, value in FORM.items() if key != "privacy_consent"}
    token = await csrf_token(client, "/register")
    response = await client.post(
        "/register", data={**form, "credit_code": credit_code(4245), "_csrf_token": token}
    )
    assert response.status_code == 400
    assert 'id="e-privacy_consent"' in response.text
    assert "个人信息" in response.text
    assert await session.scalar(select(User).where(User.username == "ludian_aixin")) is None
    assert (
        await session.scalar(select(Organization).where(Organization.name == FORM["name"])) is None
    )


async def test_the_form_links_the_notice_which_reads_in_chinese_and_english(
    client: AsyncClient,
) -> None:
    form = await client.get("/register")
    assert 'href="/privacy"' in form.text
    assert 'name="password_again"' in form.text
    notice = await client.get("/privacy")
    assert notice.status_code == 200
    assert "个人信息保护说明" in notice.text
    client.cookies.set(LOCALE_COOKIE, "en")
    english = await client.get("/privacy")
    assert "Personal-data notice" in english.text
    assert "个人信息保护说明" not in english.text
