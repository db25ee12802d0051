"""The home page promises only what exists: every link on it and in the header answers each
visitor (anonymous or signed in with each role) with a page or a redirect, never a 404 or a
refusal; each audience's own pages are links for it, the pages of other roles plain text for
a signed-in visitor and a way through the sign-in page for an anonymous one; the header shows
each role its own work (issue 19 items 2 and 10)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.factories import make_user, sign_in
from xiangxing.audiences import AUDIENCES

HREF = re.compile(r'<a href="([^"]+)"')
VISITORS: list[Role | None] = [None, *Role]
AUDIENCE_OF = {
    Role.STATION_WORKER: "station",
    Role.MEMBER: "organization",
    Role.REVIEWER: "reviewer",
    Role.VIEWER: "viewer",
}


def part(page: str, tag: str) -> str:
    return page.split(f"<{tag}", 1)[1].split(f"</{tag}>", 1)[0]


def local_links(html: str) -> list[str]:
    return sorted({unescape(href) for href in HREF.findall(html) if href.startswith("/")})


async def visitor(client: AsyncClient, session: AsyncSession, role: Role | None) -> None:
    if role is not None:
        await make_user(session, role, username="visitor")
        await sign_in(client, "visitor")


@pytest.mark.parametrize("role", VISITORS, ids=lambda role: role.value if role else "anonymous")
async def test_every_link_on_the_home_page_and_in_the_header_answers(
    client: AsyncClient, session: AsyncSession, role: Role | None
) -> None:
    await visitor(client, session, role)
    page = (await client.get("/")).text
    links = local_links(part(page, "main") + part(page, "header"))
    assert "/catalogue" in links
    assert "/transparency" in links
    answers = {link: (await client.get(link)).status_code for link in links}
    assert {link: code for link, code in answers.items() if code not in (200, 302, 303)} == {}


async def test_an_anonymous_visitor_reaches_the_working_pages_through_the_sign_in_page(
    client: AsyncClient,
) -> None:
    main = part((await client.get("/")).text, "main")
    assert '<a href="/login?next=/my/needs/new">' in main
    assert '<a href="/login?next=/review">' in main
    assert '<a href="/register">' in main
    assert '<a href="/transparency">' in main
    login = await client.get("/login?next=/my/needs/new")
    assert 'name="next" value="/my/needs/new"' in login.text


FOREIGN = {
    Role.STATION_WORKER: "/my/offers/new",
    Role.MEMBER: "/my/needs/new",
    Role.REVIEWER: "/my/offers",
    Role.VIEWER: "/review",
}
"""A page the home page promises another role, which this one may not open."""


@pytest.mark.parametrize("role", list(AUDIENCE_OF), ids=lambda role: role.value)
async def test_each_role_finds_its_own_pages_linked_and_the_others_as_text(
    client: AsyncClient, session: AsyncSession, role: Role
) -> None:
    await visitor(client, session, role)
    main = part((await client.get("/")).text, "main")
    assert "/login?next=" not in main
    for key in (AUDIENCE_OF[role], "public"):
        audience = next(audience for audience in AUDIENCES if audience.key == key)
        card = part(main.split(f'id="for-{key}"', 1)[1], "ul")
        assert len(HREF.findall(card)) == len(audience.promises), key
    assert f'<a href="{FOREIGN[role]}"' not in main
    assert '<span class="muted" title="供其他角色使用">' in main


async def test_a_signed_in_visitor_is_offered_the_way_to_its_work(
    client: AsyncClient, session: AsyncSession
) -> None:
    await visitor(client, session, Role.STATION_WORKER)
    main = part((await client.get("/")).text, "main")
    assert '<a href="/todo" role="button">去我的工作</a>' in main


async def test_the_five_categories_come_from_the_catalogue_and_link_to_it(
    client: AsyncClient,
) -> None:
    main = part((await client.get("/")).text, "main")
    for code in ("industry", "talent", "public_services", "special_groups", "consumption"):
        assert f'href="/catalogue?category={code}"' in main
    assert "留守儿童、留守老人" in main
    catalogue = await client.get("/catalogue?category=special_groups")
    assert catalogue.status_code == 200


HEADER = {
    None: {"/login"},
    Role.STATION_WORKER: {"/my/needs", "/proposals", "/agreements"},
    Role.MEMBER: {"/my/offers", "/proposals", "/agreements"},
    Role.REVIEWER: {"/review", "/workbench", "/events", "/dashboard", "/proposals"},
    Role.VIEWER: {"/dashboard", "/agreements"},
    Role.ADMIN: {"/admin", "/dashboard"},
}
NOT_IN_HEADER = {
    None: {"/my/needs", "/my/offers", "/review", "/events", "/admin", "/dashboard"},
    Role.STATION_WORKER: {"/my/offers", "/review", "/events", "/admin", "/dashboard"},
    Role.MEMBER: {"/my/needs", "/review", "/events", "/admin", "/dashboard"},
    Role.REVIEWER: {"/my/offers", "/admin"},
    Role.VIEWER: {"/my/needs", "/my/offers", "/review", "/events", "/admin", "/proposals"},
    Role.ADMIN: {"/my/needs", "/my/offers", "/review", "/events"},
}


@pytest.mark.parametrize("role", list(HEADER), ids=lambda role: role.value if role else "anonymous")
async def test_the_header_links_each_role_to_its_work(
    client: AsyncClient, session: AsyncSession, role: Role | None
) -> None:
    await visitor(client, session, role)
    header = set(local_links(part((await client.get("/catalogue")).text, "nav")))
    assert HEADER[role] <= header
    assert not NOT_IN_HEADER[role] & header


async def test_a_reviewer_sees_signing_events_in_the_header_marked_where_it_is(
    client: AsyncClient, session: AsyncSession
) -> None:
    await visitor(client, session, Role.REVIEWER)
    nav = part((await client.get("/events")).text, "nav")
    assert '<a href="/events" aria-current="page">签约活动</a>' in nav
    assert '<a href="/workbench" >' in nav
