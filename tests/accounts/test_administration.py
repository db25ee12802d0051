"""Administration from an empty database: stations, departments, organizations and users made
and edited through the API and the pages, a lockout ended, every write audited."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Department, Role, Station, User
from core.audit import AuditEntry
from tests.conftest import FakeClock
from tests.factories import (
    PASSWORD,
    bearer,
    credit_code,
    make_organization,
    make_user,
    need_body,
    post_form,
    sign_in,
)

YILE = "530627106000"
ZHENXIONG_COUNTY = "530627000000"


async def _admin(client: AsyncClient, session: AsyncSession) -> dict[str, str]:
    await make_user(session, Role.ADMIN, username="chief")
    return await bearer(client, "chief")


async def _actions(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.occurred_at)))


async def test_from_empty_an_admin_opens_a_station_whose_worker_posts_a_need(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    admin = await _admin(client, session)
    department = await client.post(
        "/api/v1/departments", json={"name": "昭通市农业农村局"}, headers=admin
    )
    assert department.status_code == 201, department.text
    station = await client.post(
        "/api/v1/stations",
        json={"township_code": YILE, "contact_name": "王芳", "contact_phone": "0870-1234567"},
        headers=admin,
    )
    assert station.status_code == 201, station.text
    assert station.json()["name"] == "以勒镇社工站"
    assert station.json()["is_active"] is True
    organization = await client.post(
        "/api/v1/organizations",
        json={
            "name": "昭通市助学公益协会",
            "credit_code": credit_code(9001),
            "org_type": "social_group",
            "origin": "local",
            "registration_level": "city",
            "contact_name": "李敏",
            "contact_phone": "0870-2123456",
        },
        headers=admin,
    )
    assert organization.status_code == 201, organization.text
    users = [
        {
            "username": "yile.worker",
            "roles": ["station_worker"],
            "station_id": station.json()["id"],
        },
        {
            "username": "agri.reviewer",
            "roles": ["reviewer"],
            "department_id": department.json()["id"],
            "reviewer_categories": ["industry"],
        },
        {
            "username": "org.member",
            "roles": ["member"],
            "organization_id": organization.json()["id"],
        },
    ]
    for user in users:
        made = await client.post(
            "/api/v1/users",
            json={"display_name": "新用户", "password": PASSWORD, **user},
            headers=admin,
        )
        assert made.status_code == 201, made.text
    worker = await bearer(client, "yile.worker")
    need = await client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    assert need.status_code == 201, need.text
    assert need.json()["township_code"] == YILE
    actions = await _actions(session)
    for action in ("department.created", "station.created", "organization.created"):
        assert action in actions
    assert actions.count("user.created") == 3


async def test_a_station_only_for_a_township_without_one(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    first = await client.post("/api/v1/stations", json={"township_code": YILE}, headers=admin)
    assert first.status_code == 201
    again = await client.post("/api/v1/stations", json={"township_code": YILE}, headers=admin)
    county = await client.post(
        "/api/v1/stations", json={"township_code": ZHENXIONG_COUNTY}, headers=admin
    )
    bad_phone = await client.post(
        "/api/v1/stations",
        json={"township_code": "530627102000", "contact_phone": "call me"},
        headers=admin,
    )
    assert [(r.status_code, r.json()["errors"][0]["code"]) for r in (again, county)] == [
        (400, "taken"),
        (400, "not_a_township"),
    ]
    assert bad_phone.status_code == 400
    assert bad_phone.json()["errors"][0]["field"] == "contact_phone"
    assert await session.scalar(select(func.count()).select_from(Station)) == 1
    reviewer = await make_user(session, Role.REVIEWER)
    assert (
        await client.post(
            "/api/v1/stations",
            json={"township_code": "530627102000"},
            headers=await bearer(client, reviewer.username),
        )
    ).status_code == 403


async def test_a_closed_station_is_listed_as_closed_and_takes_no_new_worker(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    station = (
        await client.post("/api/v1/stations", json={"township_code": YILE}, headers=admin)
    ).json()
    closed = await client.put(
        f"/api/v1/stations/{station['id']}",
        json={"township_code": YILE, "name": "以勒镇社会工作服务站", "is_active": False},
        headers=admin,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["name"] == "以勒镇社会工作服务站"
    listed = (await client.get("/api/v1/stations", params={"active": "false"})).json()
    assert listed["total"] == 1
    assert listed["page"] == 1
    assert listed["items"][0]["is_active"] is False
    assert (await client.get("/api/v1/stations", params={"active": "true"})).json()["total"] == 0
    refused = await client.post(
        "/api/v1/users",
        json={
            "username": "late.worker",
            "display_name": "新人",
            "password": PASSWORD,
            "roles": ["station_worker"],
            "station_id": station["id"],
        },
        headers=admin,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "unknown_affiliation"


async def test_an_admin_changes_roles_and_affiliation_but_keeps_their_own_admin_role(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    member = await make_user(session, Role.MEMBER, username="moving")
    department = (
        await client.post("/api/v1/departments", json={"name": "昭通市民政局"}, headers=admin)
    ).json()
    changed = await client.put(
        f"/api/v1/users/{member.id}",
        json={
            "display_name": "调任审核员",
            "roles": ["reviewer"],
            "department_id": department["id"],
            "reviewer_categories": ["talent"],
        },
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    me = (await client.get("/api/v1/me", headers=await bearer(client, "moving"))).json()
    assert me["roles"] == ["reviewer"]
    assert me["reviewer_categories"] == ["talent"]
    chief = await session.scalar(select(User).where(User.username == "chief"))
    assert chief is not None
    demoted = await client.put(
        f"/api/v1/users/{chief.id}",
        json={"display_name": "x", "roles": ["viewer"], "department_id": str(chief.department_id)},
        headers=admin,
    )
    assert demoted.status_code == 400
    assert demoted.json()["errors"][0]["code"] == "own_admin_role"
    assert "user.updated" in await _actions(session)


async def test_the_admin_sees_a_lockout_and_ends_it_the_user_is_never_told(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    admin = await _admin(client, session)
    locked = await make_user(session, Role.VIEWER, username="forgetful")
    locked.failed_logins = 10
    locked.locked_until = clock() + timedelta(minutes=15)
    await session.flush()
    refused = await client.post(
        "/api/v1/auth/token", json={"username": "forgetful", "password": PASSWORD}
    )
    unknown = await client.post(
        "/api/v1/auth/token", json={"username": "nobody-here", "password": PASSWORD}
    )
    assert refused.status_code == 401
    assert refused.json() == unknown.json(), "a locked account answers like any failure"
    listed = (await client.get("/api/v1/users", params={"q": "forgetful"}, headers=admin)).json()
    assert listed["items"][0]["locked_until"] is not None
    unlocked = await client.post(f"/api/v1/users/{locked.id}/unlock", headers=admin)
    assert unlocked.status_code == 200
    assert unlocked.json()["locked_until"] is None
    assert (
        await client.post(
            "/api/v1/auth/token", json={"username": "forgetful", "password": PASSWORD}
        )
    ).status_code == 201
    assert "user.unlocked" in await _actions(session)


async def test_an_organization_is_edited_in_full_and_a_stale_edit_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    organization = await make_organization(session, "昭通市旧名协会")
    other = await make_organization(session, "昭通市另一协会")
    body = {
        "name": "昭通市新名协会",
        "credit_code": organization.credit_code,
        "org_type": "foundation",
        "origin": "provincial",
        "registration_level": "provincial",
        "contact_name": "赵强",
        "contact_phone": "0870-7654321",
        "service_region_codes": [ZHENXIONG_COUNTY],
        "version": organization.version,
    }
    url = f"/api/v1/organizations/{organization.id}"
    saved = await client.put(url, json=body, headers=admin)
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] == "昭通市新名协会"
    assert saved.json()["service_region_codes"] == [ZHENXIONG_COUNTY]
    assert (await client.put(url, json=body, headers=admin)).status_code == 409
    clash = await client.put(
        url,
        json={**body, "credit_code": other.credit_code, "version": saved.json()["version"]},
        headers=admin,
    )
    assert clash.status_code == 400
    assert clash.json()["errors"][0]["field"] == "credit_code"
    reverified = await client.post(f"{url}/verified", headers=admin)
    assert reverified.json()["verified_at"] is not None
    assert "organization.updated" in await _actions(session)


async def test_the_pages_open_a_station_and_show_a_lockout_to_the_admin(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.ADMIN, username="chief")
    await sign_in(english, "chief")
    form = await english.get("/admin/stations/new")
    assert form.status_code == 200
    assert "镇雄县/以勒镇" in form.text
    opened = await post_form(
        english,
        "/admin/stations/new",
        {"township_code": YILE, "contact_name": "王芳", "is_active": "on"},
        token_page="/admin/stations/new",
    )
    assert opened.status_code in (302, 303)
    listed = await english.get("/admin/stations")
    assert "以勒镇社工站" in listed.text
    assert "Open" in listed.text
    twice = await post_form(
        english, "/admin/stations/new", {"township_code": YILE}, token_page="/admin/stations/new"
    )
    assert twice.status_code == 400
    locked = await make_user(session, Role.VIEWER, username="forgetful")
    locked.locked_until = clock() + timedelta(minutes=15)
    await session.flush()
    assert "Locked" in (await english.get("/admin/users", params={"q": "forgetful"})).text
    page = await english.get(f"/admin/users/{locked.id}")
    assert "Locked" in page.text
    assert "Unlock" in page.text
    edit = await english.get(f"/admin/users/{locked.id}/edit")
    assert edit.status_code == 200


async def test_the_edit_forms_save_organizations_users_and_departments(
    english: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="chief")
    organization = await make_organization(session, "昭通市旧名协会")
    member = await make_user(session, Role.MEMBER, username="moving", organization=organization)
    await sign_in(english, "chief")
    form = await english.get(f"/admin/organizations/{organization.id}/edit")
    assert form.status_code == 200
    assert organization.credit_code in form.text
    saved = await post_form(
        english,
        f"/admin/organizations/{organization.id}/edit",
        {
            "name": "昭通市新名协会",
            "credit_code": organization.credit_code,
            "org_type": "social_group",
            "origin": "local",
            "registration_level": "city",
            "contact_name": "赵强",
            "contact_phone": "0870-7654321",
            "version": str(organization.version),
        },
        token_page="/admin/",
    )
    assert saved.status_code in (302, 303), saved.text
    bad = await post_form(
        english,
        f"/admin/organizations/{organization.id}/edit",
        {"name": "x", "credit_code": "bad"},
        token_page="/admin/",
    )
    assert bad.status_code == 400
    added = await post_form(
        english, "/admin/departments/new", {"name": "昭通市农业农村局"}, token_page="/admin/"
    )
    assert added.status_code in (302, 303)
    assert "昭通市农业农村局" in (await english.get("/admin/departments")).text
    department = await session.scalar(
        select(Department).where(Department.name == "昭通市农业农村局")
    )
    assert department is not None
    moved = await post_form(
        english,
        f"/admin/users/{member.id}/edit",
        {"display_name": "调任审核员", "roles": "reviewer", "department_id": str(department.id)},
        token_page="/admin/",
    )
    assert moved.status_code in (302, 303), moved.text
    await session.refresh(member)
    assert member.roles == ["reviewer"]
    assert member.department_id == department.id
    await session.refresh(organization)
    assert organization.name == "昭通市新名协会"
