"""Every page names the site's icon; need, offer and list pages print on A4 without the
menus, forms and buttons, with the page's address and each listed entry's address."""

from __future__ import annotations

import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.paths import PROJECT_ROOT
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body, sign_in

PRINT_LINK = re.compile(r'<link rel="stylesheet" media="print" href="(/static/css/print\.css)"')


async def test_every_page_links_the_icon_and_the_icon_is_served(client: AsyncClient) -> None:
    for path in ("/", "/login", "/catalogue"):
        page = await client.get(path)
        found = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page.text)
        assert found is not None, path
    icon = await client.get(found.group(1))
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in icon.text


async def test_need_offer_and_list_pages_print_on_a4_without_the_controls(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session, "530627106000")
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    need = (
        await client.post(
            "/api/v1/needs", json=need_body(clock), headers=await bearer(client, "worker")
        )
    ).json()
    await sign_in(client, "worker")
    for path in (f"/catalogue/needs/{need['id']}", "/my/needs", "/catalogue?kind=offers"):
        page = await client.get(path)
        assert page.status_code == 200, path
        link = PRINT_LINK.search(page.text)
        assert link is not None, f"{path} has no print stylesheet"
        assert '<p class="print-address" hidden>http' in page.text, path
    sheet = await client.get(link.group(1))
    assert sheet.status_code == 200
    css = sheet.text
    assert "size: A4 portrait" in css
    hidden = css.split("display: none !important")[0]
    for part in ("body > header", "nav", "form", "button", ".pagination"):
        assert part in hidden, part
    assert 'content: " (" attr(href) ")"' in css, "entry links print their address"
    assert (PROJECT_ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8") == css
