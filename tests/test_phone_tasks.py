"""Each role's main tasks, done on a 390 px phone in a real browser, from the page a person
starts on after signing in: the station writes a need (adding a line), saves it and sends it
for review; the reviewer finds it on the desk with a filter and approves it with its tick; the
organization finds it by searching in Chinese and opens it; the station and the organization
look at their proposals. Every page is kept as a screenshot (``XIANGXING_SCREENSHOT_DIR``, which
``.ci/run`` keeps as an artifact) and measured: no page scrolls sideways (issue 19, proof).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.clock import local_date
from tests.browser import BROWSER_TESTS, PHONE, browser, phone
from tests.served_demo import served_demo

pytestmark = BROWSER_TESTS
expect.set_options(timeout=60_000)  # a shared machine under load answers a write slowly
__all__ = ["browser"]  # the fixture, used by name

TITLE = "以勒村卫生室添置药品柜"
SEARCHED = "药品柜"
VILLAGE = "530627106201"
"""以勒村, in the demo station's township."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[str]:
    with served_demo(demo_file, tmp_path_factory.mktemp("tasks-var")) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kept = os.environ.get("XIANGXING_SCREENSHOT_DIR")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(page: Page, shots: Path, name: str) -> None:
    """The page as the person sees it, kept; and it must fit the phone's width."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # else Chromium's next click may miss
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {page.url} is {width} px wide"


def test_a_need_goes_from_the_station_to_the_reviewer_to_an_organization(
    served: str, browser: Browser, shots: Path
) -> None:
    station = phone(browser, served, "station_worker").new_page()
    station.goto("/")
    station.get_by_role("button", name="去我的工作").first.click()
    keep(station, shots, "01-station-todo")

    station.goto("/my/needs/new")
    station.fill("input[name=title]", TITLE)
    station.select_option("select[name=category]", "public_services")
    station.select_option("select[name=subcategory]", "healthcare")
    station.fill(
        "textarea[name=description]", "村卫生室的药品无处存放，需要两个带锁的药品柜和一批常用药。"
    )
    station.select_option("select[name=_village]", VILLAGE)
    station.select_option("select[name='lines.0.kind']", "goods")
    station.fill("input[name='lines.0.amount']", "2")
    station.fill("input[name='lines.0.item']", SEARCHED)
    station.fill("input[name='lines.0.unit']", "个")
    rows = station.locator("[name$='.kind']")
    before = rows.count()
    station.get_by_role("button", name="添加一行").click()
    expect(rows).to_have_count(before + 1)
    station.select_option("select[name='lines.1.kind']", "funds")
    station.fill("input[name='lines.1.amount']", "3000")
    station.fill("input[name='lines.1.item']", "常用药品")
    station.select_option("select[name=urgency]", "yellow")
    station.fill(
        "input[name=deadline]", (local_date(datetime.now(UTC)) + timedelta(days=120)).isoformat()
    )
    station.fill("input[name=beneficiary_count]", "1200")
    keep(station, shots, "02-station-need-form")
    station.locator("main form button[type=submit]").last.click()
    expect(station.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(station.get_by_text("3,000")).to_be_visible()
    keep(station, shots, "03-station-draft")
    station.get_by_role("button", name="提交审核").click()
    expect(station.get_by_text("待审核").first).to_be_visible()
    keep(station, shots, "04-station-submitted")

    reviewer = phone(browser, served, "reviewer").new_page()
    reviewer.goto("/")
    reviewer.get_by_role("button", name="去我的工作").first.click()
    keep(reviewer, shots, "05-reviewer-desk")
    reviewer.goto("/review?kind=need&category=public_services")
    item = reviewer.locator("article.review-item").filter(has_text=TITLE)
    item.get_by_role("checkbox").check()
    keep(reviewer, shots, "06-reviewer-ticked")
    reviewer.get_by_role("button", name="通过所选").click()
    expect(reviewer.get_by_text("已通过并发布 1 条").first).to_be_visible()
    expect(reviewer.locator("article.review-item").filter(has_text=TITLE)).to_have_count(0)
    keep(reviewer, shots, "07-reviewer-approved")

    organization = phone(browser, served, "org_member").new_page()
    organization.goto("/")
    organization.get_by_role("button", name="去我的工作").first.click()
    keep(organization, shots, "08-organization-todo")
    found = organization.get_by_role("link", name=TITLE)
    for _ in range(30):  # the search index takes the new entry from its outbox
        organization.goto(f"/search?q={SEARCHED}")
        if found.count():
            break
        organization.wait_for_timeout(1000)
    keep(organization, shots, "09-organization-search")
    found.first.click()
    expect(organization.get_by_role("heading", name=TITLE)).to_be_visible()
    keep(organization, shots, "10-organization-need")

    for name, page in (
        ("11-organization-proposals", organization),
        ("12-station-proposals", station),
    ):
        page.goto("/proposals")
        keep(page, shots, name)
