"""On a 390 px phone every page fits the screen: no page scrolls sideways and no table sticks out
of it (a table that scrolls inside its own box counts by that box, and says so with a hint);
the header's menu stays folded until opened; a failed form puts its summary first and focused
(issue 19, item 1).

A real browser, Debian's chromium (never a downloaded one), visits the demo served on a port of
its own, signed in as each role; once, in the SQLite pass, like the API fuzzing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser import BROWSER_TESTS, PHONE, WIDE, browser, phone
from tests.served_demo import served_demo

pytestmark = BROWSER_TESTS
__all__ = ["browser"]  # the fixture, used by name
CLOSED_HEADER_PX = 64

PAGES: dict[str | None, list[str]] = {
    None: ["/", "/catalogue", "/regions", "/search?q=养老", "/transparency", "/login"],
    "station_worker": ["/my/needs", "/my/needs/new", "/proposals", "/agreements", "/todo"],
    "org_member": ["/my/offers", "/my/offers/new", "/agreements", "/todo", "/account/tokens"],
    "reviewer": [
        "/review",
        "/review/unverified",
        "/workbench",
        "/proposals",
        "/agreements",
        "/alerts",
        "/events",
        "/dashboard",
        "/review/half-year",
        "/commendation",
    ],
    "admin": ["/admin", "/admin/users", "/admin/audit", "/admin/organizations", "/admin/stations"],
}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Pages reached through a list: (role, list, link pattern); of an agreement, the first one
# with tabs (money and outcomes) is visited with its tabs.
FOLLOWED: list[tuple[str | None, str, str]] = [
    (None, "/catalogue", rf"^/catalogue/needs/{UUID}$"),
    (None, "/catalogue?kind=offers", rf"^/catalogue/offers/{UUID}$"),
    ("org_member", "/agreements", rf"^/agreements/{UUID}$"),
    ("reviewer", "/agreements", rf"^/agreements/{UUID}$"),
    ("admin", "/admin/users", rf"^/admin/users/{UUID}$"),
]

# How far the page and its tables reach to the right; a table inside a scroll box by its box,
# and whether a box that does scroll carries its hint.
MEASURE = """() => {
  const wide = [];
  for (const table of document.querySelectorAll("table")) {
    const box = table.closest(".table-scroll") || table;
    const right = Math.round(box.getBoundingClientRect().right);
    const scrolls = box !== table && box.scrollWidth > box.clientWidth;
    if (right > window.innerWidth || (scrolls && !box.dataset.hint)) {
      const head = table.querySelector("th");
      wide.push({right: right, scrolls: scrolls, heading: head ? head.textContent.trim() : ""});
    }
  }
  return {page: document.documentElement.scrollWidth, tables: wide};
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[str]:
    with served_demo(demo_file, tmp_path_factory.mktemp("phone-var")) as base:
        yield base


def _links(page: Page, pattern: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href]", "all => all.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(href for href in hrefs if re.match(pattern, href)))


def _followed(page: Page, listing: str, pattern: str) -> list[str]:
    """The first entry the list links to, with its tabs when one of the first few has them."""
    page.goto(listing)
    targets = _links(page, pattern)
    assert targets, f"{listing} links to nothing like {pattern}"
    for target in targets[:5]:
        page.goto(target)
        tabs = _links(page, rf"^{target}/(money|outcomes)$")
        if tabs:
            return [target, *tabs]
    return targets[:1]


def _visits(context: BrowserContext, role: str | None) -> list[str]:
    """The role's main pages, and the pages its lists lead to."""
    page = context.new_page()
    paths = list(PAGES[role])
    for who, listing, pattern in FOLLOWED:
        if who == role:
            paths += _followed(page, listing, pattern)
    page.close()
    return paths


@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_and_no_table_is_wider_than_a_phone(
    served: str, browser: Browser, role: str | None
) -> None:
    context = phone(browser, served, role)
    page = context.new_page()
    too_wide: dict[str, Any] = {}
    paths = _visits(context, role)
    for path in paths:
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 200, f"{role} {path}"
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(MEASURE)
        if measured["page"] > PHONE["width"] or measured["tables"]:
            too_wide[path] = measured
    context.close()
    assert len(paths) >= 5
    assert too_wide == {}, f"wider than {PHONE['width']} px as {role}: {too_wide}"


def test_the_header_folds_its_menu_on_a_phone_and_shows_it_on_a_wide_screen(
    served: str, browser: Browser
) -> None:
    context = phone(browser, served, "station_worker")
    page = context.new_page()
    page.goto("/my/needs")
    menu = page.locator("nav.site-menu")
    button = page.locator(".menu-toggle summary")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None
    assert header["height"] <= CLOSED_HEADER_PX, "brand, search and menu button on one line"
    assert button.is_visible()
    assert page.locator(".site-search input").is_visible()
    assert not menu.is_visible(), "the menu is folded until asked for"

    button.click()
    assert menu.is_visible()
    current = menu.locator("a[aria-current=page]")
    assert current.inner_text() == "我的村社需求"
    assert menu.get_by_role("button", name="退出").is_visible()
    assert menu.locator("a[href='/todo'], a[href^='/todo']").first.is_visible()
    button.click()
    assert not menu.is_visible()

    page.set_viewport_size(WIDE)
    assert menu.is_visible(), "a wide screen shows the whole menu"
    assert not button.is_visible()
    context.close()


def test_a_failed_form_opens_on_its_summary_with_a_link_to_each_field(
    served: str, browser: Browser
) -> None:
    context = phone(browser, served, "station_worker")
    page = context.new_page()
    page.goto("/my/needs/new")
    page.eval_on_selector("form.entry-form", "form => { form.noValidate = true; }")
    page.fill("#f-title", "")
    page.click("form.entry-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    summary = page.locator("#error-summary")
    assert summary.locator("h2").inner_text() == "请修改以下内容："
    assert page.evaluate("document.activeElement.id") == "error-summary"
    title_link = summary.locator("a[href='#f-title']")
    assert title_link.inner_text().startswith("标题"), "the link names its field"
    title_link.click()
    assert page.evaluate("document.activeElement.id") == "f-title"
    assert page.locator("#e-title").is_visible(), "the field keeps its own message"
    context.close()
