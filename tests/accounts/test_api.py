"""The accounts API: bearer tokens (issue, use, list, revoke, expire) and who may call what."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, User, Verification
from core.audit import AuditEntry
from tests.conftest import FakeClock
from tests.factories import PASSWORD, credit_code, make_organization, make_user, sign_in


async def _token(client: AsyncClient, username: str, **extra: object) -> str:
    response = await client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD, **extra}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_at"]
    return body["access_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_identifies_its_owner(client: AsyncClient, session: AsyncSession) -> None:
    await make_user(session, Role.REVIEWER, username="script")
    token = await _token(client, "script")
    me = await client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == "script"
    assert me.json()["roles"] == ["reviewer"]


async def test_wrong_password_gets_no_token(client: AsyncClient, session: AsyncSession) -> None:
    await make_user(session, Role.VIEWER, username="guess")
    response = await client.post(
        "/api/v1/auth/token", json={"username": "guess", "password": "Not-it-at-all-9"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


async def test_token_request_with_missing_fields_is_400(client: AsyncClient) -> None:
    response = await client.post("/api/v1/auth/token", json={"username": "x"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


async def test_tokens_are_listed_and_revoked_by_their_owner(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="owner")
    await make_user(session, Role.VIEWER, username="stranger")
    token = await _token(client, "owner", name="nightly export")
    other = await _token(client, "stranger")
    listed = (await client.get("/api/v1/auth/tokens", headers=_bearer(token))).json()
    assert [t["name"] for t in listed["items"]] == ["nightly export"]
    assert (listed["total"], listed["page"]) == (1, 1)
    assert "secret" not in repr(listed).lower()
    token_id = listed["items"][0]["id"]
    refused = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=_bearer(other))
    assert refused.status_code == 404
    revoked = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=_bearer(token))
    assert revoked.status_code == 204
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 401
    assert (await client.get("/api/v1/me", headers=_bearer(other))).status_code == 200


async def test_tokens_expire(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> None:
    await make_user(session, Role.VIEWER, username="shortlived")
    token = await _token(client, "shortlived", days=1)
    clock.advance(hours=23)
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 200
    clock.advance(hours=2)
    expired = await client.get("/api/v1/me", headers=_bearer(token))
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == "Bearer"


async def test_a_made_up_token_is_401(client: AsyncClient) -> None:
    response = await client.get("/api/v1/me", headers=_bearer("xx_madeup"))
    assert response.status_code == 401


async def test_the_api_ignores_the_browser_session(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="browser")
    await sign_in(client, "browser")
    assert (await client.get("/account")).status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_deactivating_a_user_revokes_their_tokens(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="chief")
    user = await make_user(session, Role.VIEWER, username="leaver")
    admin_token = await _token(client, "chief")
    token = await _token(client, "leaver")
    response = await client.post(
        f"/api/v1/users/{user.id}/deactivate", headers=_bearer(admin_token)
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 401


async def test_token_secrets_never_reach_the_audit_log(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.VIEWER, username="careful")
    token = await _token(client, "careful")
    entries = list(await session.scalars(select(AuditEntry)))
    assert "token.issued" in {entry.action for entry in entries}
    dump = repr([(e.before, e.after, e.object_id) for e in entries])
    assert token not in dump
    assert token[10:] not in dump
    assert PASSWORD not in dump


async def test_each_role_is_refused_what_it_may_not_do(
    client: AsyncClient, session: AsyncSession
) -> None:
    """Administrator routes refuse every other role with 403, and record the refusal."""
    for role in (Role.MEMBER, Role.STATION_WORKER, Role.REVIEWER, Role.VIEWER):
        await make_user(session, role, username=f"as_{role.value}")
        token = await _token(client, f"as_{role.value}")
        for method, path, body in (
            ("GET", "/api/v1/users", None),
            ("POST", "/api/v1/users", {}),
            ("POST", "/api/v1/organizations", {}),
        ):
            response = await client.request(method, path, json=body, headers=_bearer(token))
            assert response.status_code == 403, (role, path)
            assert response.json()["code"] == "missing_role"
            assert "管理员" in response.json()["message"]
    refusals = await session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied"))
    assert len(list(refusals)) == 12


async def test_anonymous_callers_are_asked_to_authenticate(client: AsyncClient) -> None:
    for path in ("/api/v1/users", "/api/v1/me", "/api/v1/auth/tokens"):
        response = await client.get(path)
        assert response.status_code == 401, path


async def test_public_organization_list_hides_contacts_and_unverified(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_organization(session, "公开协会")
    await make_organization(session, "待审协会", verification=Verification.PENDING)
    body = (await client.get("/api/v1/organizations", params={"q": "协会"})).json()
    names = [item["name"] for item in body["items"]]
    assert "公开协会" in names
    assert "待审协会" not in names
    assert "contact_phone" not in body["items"][0]
    assert "credit_code" not in body["items"][0]


async def test_admin_creates_an_organization_and_bad_input_changes_nothing(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="registrar")
    token = await _token(client, "registrar")
    good = {
        "name": "昭通市助老协会",
        "credit_code": credit_code(987),
        "org_type": "social_group",
        "origin": "local",
        "registration_level": "city",
        "contact_name": "李红",
        "contact_phone": "0870-2222222",
        "focus_categories": ["public_services"],
        "service_region_codes": ["530602000000"],
    }
    bad = {**good, "name": "另一个协会", "credit_code": good["credit_code"][:-1] + "0"}
    refused = await client.post("/api/v1/organizations", json=bad, headers=_bearer(token))
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["credit_code"]
    created = await client.post("/api/v1/organizations", json=good, headers=_bearer(token))
    assert created.status_code == 201, created.text
    assert created.json()["verification"] == "verified"
    assert created.json()["service_region_codes"] == ["530602000000"]
    names = set(await session.scalars(select(User.username)))
    assert "registrar" in names
