"""Plain async helpers that put realistic rows into the test's transaction."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING
from uuid import UUID

from httpx import AsyncClient, Response
from litestar.middleware.csrf import generate_csrf_token
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.authentication import AuthenticationService
from accounts.credit_code import check_character
from accounts.models import (
    Department,
    Organization,
    OrganizationType,
    Origin,
    RegistrationLevel,
    Role,
    Station,
    User,
    Verification,
)
from accounts.passwords import hash_password
from accounts.schemas import TokenRequest
from tests.clients import app_client

if TYPE_CHECKING:
    from tests.conftest import FakeClock

PASSWORD = "Zhaotong-apple-river-1987"
YILE_TOWNSHIP = "530627106000"
YILE_VILLAGE = "530627106201"
_sequence = itertools.count(1)
_CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
_ENTRY_LOCATION = re.compile(r"/catalogue/(?:needs|offers)/([0-9a-f-]{36})$")


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def credit_code(serial: int) -> str:
    """A valid unified social credit code of a civil-affairs registered social group."""
    first17 = f"51530600MJ{serial:07d}"
    return first17 + check_character(first17)


async def make_department(session: AsyncSession, name: str | None = None) -> Department:
    department = Department(name=name or f"测试部门{next(_sequence)}")
    session.add(department)
    await session.flush()
    return department


async def make_organization(
    session: AsyncSession,
    name: str | None = None,
    *,
    verification: Verification = Verification.VERIFIED,
) -> Organization:
    serial = next(_sequence)
    organization = Organization(
        name=name or f"测试公益协会{serial}",
        credit_code=credit_code(serial),
        org_type=OrganizationType.SOCIAL_GROUP,
        origin=Origin.LOCAL,
        registration_level=RegistrationLevel.CITY,
        contact_name="张敏",
        contact_phone="0870-2123456",
        verification=verification,
    )
    session.add(organization)
    await session.flush()
    return organization


async def make_station(session: AsyncSession, township_code: str = YILE_TOWNSHIP) -> Station:
    station = Station(township_code=township_code, name="以勒镇社工站")
    session.add(station)
    await session.flush()
    return station


async def make_user(
    session: AsyncSession,
    *roles: Role,
    username: str | None = None,
    organization: Organization | None = None,
    station: Station | None = None,
    department: Department | None = None,
    reviewer_categories: list[str] | None = None,
) -> User:
    """A user with the given roles, attached to a new affiliation of the right kind unless
    one is given."""
    affiliation = roles[0].affiliation.value
    if affiliation == "organization" and organization is None:
        organization = await make_organization(session)
    if affiliation == "station" and station is None:
        station = await make_station(session)
    if affiliation == "department" and department is None:
        department = await make_department(session)
    user = User(
        username=username or f"user{next(_sequence)}",
        display_name="测试用户",
        password_hash=_password_hash(),
        roles=[role.value for role in roles],
        organization_id=organization.id if organization else None,
        station_id=station.id if station else None,
        department_id=department.id if department else None,
        reviewer_categories=reviewer_categories or [],
    )
    session.add(user)
    await session.flush()
    return user


async def csrf_token(client: AsyncClient, page: str = "/login") -> str:
    """The CSRF token a browser would find in a form on the page."""
    response = await client.get(page)
    found = _CSRF_INPUT.search(response.text)
    assert found, f"no CSRF field on {page}"
    return found.group(1)


@asynccontextmanager
async def _authentication(client: AsyncClient) -> AsyncIterator[AuthenticationService]:
    """The app's own sign-in service, in a database session of the app (the test's
    transaction, for the test apps), committed at the end as a request would be."""
    app = app_client(client).app
    async with app.state.db_config.create_session_maker()() as session:
        yield AuthenticationService(session, app.state.clock)
        await session.commit()


async def sign_in(client: AsyncClient, username: str, password: str = PASSWORD) -> None:
    """Sign the client in as the login form does, without its two requests: the app's own
    service checks the password and starts the session, the app's own cookie backend seals
    the session cookie. The tests of signing in use the form (`sign_in_through_form`)."""
    async with _authentication(client) as authentication:
        user = await authentication.check_password(username, password, ip=None)
        started = await authentication.start_session(user, ip=None, user_agent=None)
    app = app_client(client).app
    assert app.csrf_config is not None
    csrf = generate_csrf_token(secret=app.csrf_config.secret)
    app_client(client).keep_session(replace(started, csrf=csrf).write())


async def sign_in_through_form(
    client: AsyncClient, username: str, password: str = PASSWORD
) -> None:
    """Sign the client in through the login form, as a browser does."""
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"username": username, "password": password, "_csrf_token": token}
    )
    assert response.status_code in (302, 303), response.text[:500]


async def post_form(
    client: AsyncClient,
    path: str,
    data: dict[str, object],
    token_page: str = "/login",  # noqa: S107
) -> Response:
    """Post a form with a valid CSRF token, the way a page would."""
    token = await csrf_token(client, token_page)
    return await client.post(path, data={**data, "_csrf_token": token})


def created_id(response: Response) -> UUID:
    assert response.status_code in (302, 303), response.text[:2000]
    found = _ENTRY_LOCATION.search(response.headers["location"])
    assert found, response.headers["location"]
    return UUID(found.group(1))


async def bearer(client: AsyncClient, username: str) -> dict[str, str]:
    """Headers with a new token of the user, issued by the app's own service as
    ``POST /api/v1/auth/token`` issues it (whose own tests call it)."""
    asked = TokenRequest(username=username, password=PASSWORD)
    async with _authentication(client) as authentication:
        user = await authentication.check_password(asked.username, asked.password, ip=None)
        _token, secret = await authentication.issue_token(
            user, name=asked.name, lifetime=timedelta(days=asked.days), ip=None
        )
    return {"Authorization": f"Bearer {secret}"}


def need_body(clock: FakeClock, **changes: object) -> dict[str, object]:
    return {
        "category": "special_groups",
        "subcategory": "left_behind_children",
        "title": "以勒村留守儿童暑期托管",
        "description": "村里四十多名留守儿童暑假无人看护，需要志愿者和活动经费。",
        "region_code": YILE_VILLAGE,
        "beneficiary_count": 43,
        "beneficiary_groups": ["left_behind_children"],
        "lines": [
            {"kind": "funds", "amount": "30000.00"},
            {"kind": "person_days", "amount": "40", "item": "大学生志愿者"},
        ],
        "urgency": "red",
        "deadline": str((clock.now + timedelta(days=60)).date()),
        "tags": ["暑期", "托管"],
        **changes,
    }


def offer_body(clock: FakeClock, **changes: object) -> dict[str, object]:
    start = clock.now.date()
    return {
        "category": "special_groups",
        "subcategory": "left_behind_children",
        "title": "大学生暑期支教与托管志愿服务",
        "lines": [{"kind": "person_days", "amount": "200", "item": "志愿者服务"}],
        "service_region_codes": ["530627000000"],
        "valid_from": str(start),
        "valid_until": str(start + timedelta(days=120)),
        "capacity": 3,
        "contact_name": "周老师",
        "contact_phone": "0871-6666666",
        **changes,
    }


def offer_form(**overrides: object) -> dict[str, object]:
    """The fields of the "new offer" page for a talent offer in 以勒镇."""
    return {
        "category": "talent",
        "subcategory": "education_support",
        "title": "暑期支教志愿服务",
        "lines.0.kind": "person_days",
        "lines.0.amount": "30",
        "service_region_codes": [YILE_TOWNSHIP],
        "valid_from": "2026-06-01",
        "valid_until": "2026-12-31",
        "capacity": "2",
        "contact_name": "李老师",
        "contact_phone": "13800000000",
        "tags": "支教",
        **overrides,
    }
