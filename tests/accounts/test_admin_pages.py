"""The administrators' pages, through the real app: users, organizations, the audit log."""

import re

import pytest
from httpx import AsyncClient, Response
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role, User, Verification
from tests.clients import serve
from tests.factories import (
    PASSWORD,
    credit_code,
    csrf_token,
    make_department,
    make_organization,
    make_station,
    make_user,
    sign_in,
)

STRONG_PASSWORD = "Wumeng-tea-garden-2031"
TEMPORARY = re.compile(r"<pre><code>([^<]+)</code></pre>")


async def _admin(client: AsyncClient, session: AsyncSession) -> User:
    admin = await make_user(session, Role.ADMIN, username="boss")
    await sign_in(client, "boss")
    return admin


async def _post(
    client: AsyncClient, path: str, data: dict[str, object], *, token_page: str
) -> Response:
    """Post a form the way the page holding it does, CSRF token included."""
    token = await csrf_token(client, token_page)
    return await client.post(path, data={**data, "_csrf_token": token})


async def _user_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


def _user_form(**overrides: object) -> dict[str, object]:
    return {
        "username": "wangfang",
        "display_name": "王芳",
        "password": STRONG_PASSWORD,
        "roles": ["reviewer"],
        **overrides,
    }


def _organization_form(**overrides: object) -> dict[str, object]:
    return {
        "name": "昭阳区助农服务中心",
        "credit_code": credit_code(9_100_001),
        "org_type": "social_service",
        "origin": "local",
        "registration_level": "county",
        "focus_categories": ["industry", "talent"],
        "has_party_branch": "on",
        "description": "农产品销售与技能培训",
        "contact_name": "李强",
        "contact_phone": "0870-2150000",
        **overrides,
    }


# --- dashboard and lists ------------------------------------------------------------------


async def test_dashboard_counts_and_points_at_pending_organizations(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    await make_organization(session, "待审协会", verification=Verification.PENDING)
    page = await client.get("/admin")
    assert page.status_code == 200
    assert "/admin/organizations?verification=pending" in page.text
    for link in ("/admin/users", "/admin/stations", "/admin/departments", "/admin/audit"):
        assert f'href="{link}"' in page.text


async def test_users_are_listed_with_search_and_role_filter(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    await make_user(session, Role.REVIEWER, username="rita")
    await make_user(session, Role.MEMBER, username="mona")
    everyone = await client.get("/admin/users")
    assert everyone.status_code == 200
    assert "rita" in everyone.text
    assert "mona" in everyone.text
    reviewers = await client.get("/admin/users", params={"role": "reviewer"})
    assert reviewers.status_code == 200
    assert "rita" in reviewers.text
    assert "mona" not in reviewers.text
    searched = await client.get("/admin/users", params={"q": "mon", "role": ""})
    assert "mona" in searched.text
    assert "rita" not in searched.text
    assert (await client.get("/admin/users", params={"role": "king"})).status_code == 400


async def test_user_list_pages_keep_the_filters(
    english: AsyncClient, session: AsyncSession
) -> None:
    client = english
    await _admin(client, session)
    for number in range(3):
        await make_user(session, Role.VIEWER, username=f"viewer{number}")
    first = await client.get("/admin/users", params={"role": "viewer", "page_size": 2})
    assert first.status_code == 200
    assert "viewer0" in first.text
    assert "viewer2" not in first.text
    assert "role=viewer&amp;page_size=2&amp;page=2" in first.text
    second = await client.get("/admin/users", params={"role": "viewer", "page_size": 2, "page": 2})
    assert "viewer2" in second.text
    assert "Page 2 of 2" in second.text
    assert "page=1" in second.text, "a link back"


async def test_stations_and_departments_are_listed(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    await make_station(session)
    await make_department(session, "昭通市农业农村局")
    stations = await client.get("/admin/stations")
    assert stations.status_code == 200
    assert "以勒镇社工站" in stations.text
    assert "以勒镇" in stations.text
    departments = await client.get("/admin/departments")
    assert departments.status_code == 200
    assert "昭通市农业农村局" in departments.text


# --- creating users --------------------------------------------------------------------------


async def test_admin_creates_a_user_and_sees_it(client: AsyncClient, session: AsyncSession) -> None:
    await _admin(client, session)
    department = await make_department(session)
    response = await _post(
        client,
        "/admin/users/new",
        _user_form(department_id=str(department.id), reviewer_categories=["industry"]),
        token_page="/admin/users/new",
    )
    assert response.status_code in (302, 303), response.text[:500]
    created = await session.scalar(select(User).where(User.username == "wangfang"))
    assert created is not None
    assert created.roles == ["reviewer"]
    assert created.department_id == department.id
    assert response.headers["location"] == f"/admin/users/{created.id}"
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "wangfang" in page.text
    assert department.name in page.text
    listed = await client.get("/admin/users", params={"q": "wangfang"})
    assert "王芳" in listed.text


@pytest.mark.parametrize(
    ("problem", "expected_fields"),
    [
        ("weak_password", {"password"}),
        ("two_affiliations", {"affiliation"}),
        ("worker_in_department", {"roles"}),
        ("no_roles", {"roles"}),
    ],
)
async def test_a_bad_user_form_is_400_and_creates_nothing(
    english: AsyncClient, session: AsyncSession, problem: str, expected_fields: set[str]
) -> None:
    client = english
    await _admin(client, session)
    department = await make_department(session)
    organization = await make_organization(session)
    forms = {
        "weak_password": _user_form(password="password1", department_id=str(department.id)),
        "two_affiliations": _user_form(
            department_id=str(department.id), organization_id=str(organization.id)
        ),
        "worker_in_department": _user_form(
            roles=["station_worker"], department_id=str(department.id)
        ),
        "no_roles": {**_user_form(department_id=str(department.id)), "roles": []},
    }
    before = await _user_count(session)
    response = await _post(
        client, "/admin/users/new", forms[problem], token_page="/admin/users/new"
    )
    assert response.status_code == 400
    assert await _user_count(session) == before
    assert "Please correct the following:" in response.text
    assert 'value="wangfang"' in response.text, "the form keeps what was typed"
    assert STRONG_PASSWORD not in response.text
    assert 'value="password1"' not in response.text, "never echo the password"
    if "password" in expected_fields:
        assert 'id="e-password"' in response.text
    if "affiliation" in expected_fields:
        assert "Choose exactly one organization, station or department" in response.text
    if "roles" in expected_fields:
        assert 'class="field-error"' in response.text


# --- deactivating and resetting ------------------------------------------------------------


async def test_deactivating_a_user_ends_their_session(
    client: AsyncClient, session: AsyncSession, app: Litestar
) -> None:
    await _admin(client, session)
    member = await make_user(session, Role.MEMBER, username="mona")
    user_page = f"/admin/users/{member.id}"
    async with serve(app) as other:
        await sign_in(other, "mona")
        assert (await other.get("/account")).status_code == 200
        response = await _post(client, f"{user_page}/deactivate", {}, token_page=user_page)
        assert response.status_code in (302, 303)
        assert response.headers["location"] == user_page
        gone = await other.get("/account")
        assert gone.status_code in (302, 303)
        assert gone.headers["location"].startswith("/login")
    await session.refresh(member)
    assert member.is_active is False
    page = await client.get(user_page)
    assert f"{user_page}/activate" in page.text
    again = await _post(client, f"{user_page}/activate", {}, token_page=user_page)
    assert again.status_code in (302, 303)
    await session.refresh(member)
    assert member.is_active is True


async def test_admin_has_no_button_to_deactivate_themself(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    page = await client.get(f"/admin/users/{admin.id}")
    assert page.status_code == 200
    assert "/deactivate" not in page.text


async def test_reset_password_shows_a_temporary_password_once(
    client: AsyncClient, session: AsyncSession, app: Litestar
) -> None:
    await _admin(client, session)
    member = await make_user(session, Role.MEMBER, username="mona")
    user_page = f"/admin/users/{member.id}"
    response = await _post(client, f"{user_page}/reset-password", {}, token_page=user_page)
    assert response.status_code == 200
    found = TEMPORARY.search(response.text)
    assert found, "the temporary password is on the answer"
    temporary = found.group(1)
    assert temporary not in (await client.get(user_page)).text, "and only there"
    async with serve(app) as other:
        token = await csrf_token(other)
        old = await other.post(
            "/login", data={"username": "mona", "password": PASSWORD, "_csrf_token": token}
        )
        assert old.status_code == 401
        new = await other.post(
            "/login", data={"username": "mona", "password": temporary, "_csrf_token": token}
        )
        assert new.status_code in (302, 303)
        assert new.headers["location"] == "/account/password", "must choose a new one"


# --- organizations -----------------------------------------------------------------------------


async def test_admin_creates_a_verified_organization(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    response = await _post(
        client,
        "/admin/organizations/new",
        _organization_form(service_region_codes=["530627106000"]),
        token_page="/admin/organizations/new",
    )
    assert response.status_code in (302, 303), response.text[:800]
    organization = await session.scalar(
        select(Organization).where(Organization.name == "昭阳区助农服务中心")
    )
    assert organization is not None
    assert organization.verification is Verification.VERIFIED
    assert organization.has_party_branch is True
    assert organization.focus_categories == ["industry", "talent"]
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert organization.credit_code in page.text
    assert "0870-2150000" in page.text
    assert "以勒镇" in page.text


async def test_a_bad_credit_code_is_400_with_the_field_error(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    before = await session.scalar(select(func.count()).select_from(Organization))
    response = await _post(
        client,
        "/admin/organizations/new",
        _organization_form(credit_code="51530600MJ0000000X"),
        token_page="/admin/organizations/new",
    )
    assert response.status_code == 400
    assert 'id="e-credit_code"' in response.text
    assert 'value="昭阳区助农服务中心"' in response.text
    assert await session.scalar(select(func.count()).select_from(Organization)) == before


async def test_verifying_a_pending_organization(client: AsyncClient, session: AsyncSession) -> None:
    await _admin(client, session)
    organization = await make_organization(session, verification=Verification.PENDING)
    member = await make_user(session, Role.MEMBER, username="mona", organization=organization)
    page_path = f"/admin/organizations/{organization.id}"
    listed = await client.get("/admin/organizations", params={"verification": "pending"})
    assert organization.name in listed.text
    page = await client.get(page_path)
    assert page.status_code == 200
    assert member.username in page.text, "members are listed"
    assert organization.credit_code in page.text
    add_member = await client.get("/admin/users/new", params={"organization": str(organization.id)})
    assert f'value="{organization.id}" selected' in add_member.text
    response = await _post(
        client, f"{page_path}/verification", {"verification": "verified"}, token_page=page_path
    )
    assert response.status_code in (302, 303)
    assert response.headers["location"] == page_path
    await session.refresh(organization)
    assert organization.verification is Verification.VERIFIED
    assert organization.verified_at is not None
    bad = await _post(
        client, f"{page_path}/verification", {"verification": "blessed"}, token_page=page_path
    )
    assert bad.status_code == 400


# --- audit log ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "2026-06-02", "to": "2026-06-01"}],
)
async def test_a_bad_date_filter_is_400(
    english: AsyncClient, session: AsyncSession, query: dict[str, str]
) -> None:
    await _admin(english, session)
    response = await english.get("/admin/audit", params=query)
    assert response.status_code == 400
    assert "<code>from</code>" in response.text or "<code>to</code>" in response.text


# --- who may see these pages -------------------------------------------------------------------


async def _admin_pages(session: AsyncSession) -> list[str]:
    user = await make_user(session, Role.VIEWER)
    organization = await make_organization(session)
    return [
        "/admin",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{user.id}",
        "/admin/organizations",
        "/admin/organizations/new",
        f"/admin/organizations/{organization.id}",
        "/admin/stations",
        "/admin/departments",
        "/admin/audit",
    ]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER, Role.REVIEWER])
async def test_other_roles_get_the_403_page(
    client: AsyncClient, session: AsyncSession, role: Role
) -> None:
    pages = await _admin_pages(session)
    someone = await make_user(session, role, username="someone")
    await sign_in(client, "someone")
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "无权访问" in response.text, path
    token = await csrf_token(client, "/account")
    refused = await client.post(
        f"/admin/users/{someone.id}/reset-password", data={"_csrf_token": token}
    )
    assert refused.status_code == 403


async def test_anonymous_visitors_are_sent_to_sign_in(
    client: AsyncClient, session: AsyncSession
) -> None:
    for path in await _admin_pages(session):
        response = await client.get(path)
        assert response.status_code in (302, 303), path
        assert response.headers["location"].startswith("/login?next=%2Fadmin"), path
