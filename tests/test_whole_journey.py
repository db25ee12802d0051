"""The whole journey of one need, on a 390 px phone in a real browser, every step clicked
through the pages as the person doing it would: the station posts the need, the reviewer
publishes it, the organization finds it by searching in Chinese and proposes one of its
offers, the station accepts, the reviewer draws up the agreement, both sides sign, the
organization commits and hands the money over and the station confirms it, the organization's
progress report is approved by the station, and the dashboard's figures and the public
transparency page show the agreement. Only the demo's accounts are made beforehand. Each
step is kept as a screenshot (``XIANGXING_SCREENSHOT_DIR``, which ``.ci/run`` keeps as an artifact).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.clock import local_date
from tests.browser import BROWSER_TESTS, browser, phone
from tests.served_demo import served_demo
from tests.test_phone_tasks import keep, shots

pytestmark = BROWSER_TESTS
expect.set_options(timeout=60_000)  # a shared machine under load answers a write slowly
__all__ = ["browser", "shots"]  # the fixtures, used by name

TITLE = "以勒村坡地苹果园补植脱毒苗木"
SEARCHED = "苹果苗木"
OFFER = "高山苹果新建园苗木补助"
"""The demo organization's funds for new apple orchards in 镇雄县, which the need suits."""
VILLAGE = "530627106201"
"""以勒村, in the demo station's township."""
AMOUNT = "60,000"
HANDED_OVER = "20000"
HANDED_OVER_SHOWN = "20,000"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[str]:
    with served_demo(demo_file, tmp_path_factory.mktemp("journey-var")) as base:
        yield base


def step(page: Page, shots: Path, number: int, name: str) -> None:
    keep(page, shots, f"journey-{number:02d}-{name}")


def press(page: Page, name: str) -> None:
    """Press the page's one button of that name and wait for the answer."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def record(page: Page, kind: str, amount: str) -> None:
    """Open the money page's form for this kind of ledger entry and record the amount."""
    form = page.locator("details.entry-form").filter(
        has=page.locator(f"input[name=entry_type][value={kind}]")
    )
    form.locator("summary").click()
    form.locator("input[name=amount]").fill(amount)
    form.get_by_role("button", name="记录", exact=True).click()
    expect(page.get_by_text("条记录已记入账本")).to_be_visible()


def figures(page: Page) -> dict[str, Decimal]:
    """The dashboard's headline figures as the viewer reads them."""
    page.goto("/dashboard")
    shown = page.locator("dd[data-figure]")
    expect(shown.first).to_be_visible()
    return {
        str(figure.get_attribute("data-figure")): Decimal(figure.inner_text().replace(",", ""))
        for figure in shown.all()
    }


def test_a_need_goes_all_the_way_from_the_station_to_the_transparency_page(
    served: str, browser: Browser, shots: Path
) -> None:
    today = local_date(datetime.now(UTC))
    station = phone(browser, served, "station_worker").new_page()
    reviewer = phone(browser, served, "reviewer").new_page()
    organization = phone(browser, served, "org_member").new_page()
    viewer = phone(browser, served, "viewer").new_page()
    before = figures(viewer)

    station.goto("/my/needs/new")
    station.fill("input[name=title]", TITLE)
    station.select_option("select[name=category]", "industry")
    station.select_option("select[name=subcategory]", "planting")
    station.fill(
        "textarea[name=description]",
        "以勒村合作社在坡地上补植矮化密植苹果园，缺脱毒苗木款，村里自筹不足。",
    )
    station.select_option("select[name=_village]", VILLAGE)
    station.select_option("select[name='lines.0.kind']", "funds")
    station.fill("input[name='lines.0.amount']", "60000")
    station.fill("input[name='lines.0.item']", "脱毒苗木款")
    station.select_option("select[name=urgency]", "yellow")
    station.fill("input[name=deadline]", (today + timedelta(days=120)).isoformat())
    station.fill("input[name=beneficiary_count]", "80")
    station.locator("main form button[type=submit]").last.click()
    expect(station.get_by_role("heading", name=TITLE)).to_be_visible()
    press(station, "提交审核")
    expect(station.get_by_text("待审核").first).to_be_visible()
    step(station, shots, 1, "station-posts-the-need")

    reviewer.goto("/review?kind=need&category=industry")
    item = reviewer.locator("article.review-item").filter(has_text=TITLE)
    item.get_by_role("checkbox").check()
    press(reviewer, "通过所选")
    expect(reviewer.get_by_text("已通过并发布 1 条").first).to_be_visible()
    step(reviewer, shots, 2, "reviewer-publishes")

    found = organization.get_by_role("link", name=TITLE)
    for _ in range(30):  # the search index takes the new entry from its outbox
        organization.goto(f"/search?q={SEARCHED}")
        if found.count():
            break
        organization.wait_for_timeout(1000)
    step(organization, shots, 3, "organization-searches")
    found.first.click()
    expect(organization.get_by_role("heading", name=TITLE)).to_be_visible()
    suggestion = organization.locator("article.suggestion").filter(has_text=OFFER)
    expect(suggestion).to_be_visible()
    step(organization, shots, 4, "organization-sees-its-offer-suits")
    suggestion.get_by_role("button", name="提议此匹配").click()
    expect(organization.get_by_text("已提议").first).to_be_visible()
    step(organization, shots, 5, "organization-proposes")

    station.goto("/proposals")
    proposal = station.locator("article.proposal").filter(has_text=TITLE)
    proposal.get_by_role("button", name="接受").click()
    proposal = station.locator("article.proposal").filter(has_text=TITLE)
    expect(proposal.get_by_text("已接受").first).to_be_visible()
    step(station, shots, 6, "station-accepts")

    reviewer.goto("/agreements/new")
    pairing = reviewer.locator("article.proposal").filter(has_text=TITLE)
    pairing.get_by_role("button", name="起草协议").click()
    reviewer.fill("input[name=title]", f"{TITLE}帮扶协议")
    reviewer.select_option("select[name=programme]", index=1)
    reviewer.fill("input[name=period_start]", (today - timedelta(days=45)).isoformat())
    reviewer.fill("input[name=period_end]", (today + timedelta(days=150)).isoformat())
    reviewer.fill("input[name='indicators.0.name']", "补植苹果园")
    reviewer.fill("input[name='indicators.0.unit']", "亩")
    reviewer.fill("input[name='indicators.0.baseline']", "0")
    reviewer.fill("input[name='indicators.0.target']", "40")
    reviewer.select_option("select[name='indicators.0.frequency']", "monthly")
    press(reviewer, "存为草稿")
    expect(reviewer.get_by_role("heading", name=f"{TITLE}帮扶协议")).to_be_visible()
    agreement = reviewer.url
    step(reviewer, shots, 7, "reviewer-drafts-the-agreement")

    for number, (side, page) in enumerate((("organization", organization), ("station", station))):
        page.goto(agreement)
        press(page, "在平台上签署")
        step(page, shots, 8 + number, f"{side}-signs")
    expect(station.get_by_text("已签署").first).to_be_visible()

    organization.goto(f"{agreement}/money")
    record(organization, "commitment", "60000")
    record(organization, "disbursement", HANDED_OVER)
    expect(organization.get_by_text("待确认").first).to_be_visible()
    step(organization, shots, 10, "organization-hands-over")

    station.goto(f"{agreement}/money")
    press(station, "确认收到")
    expect(station.get_by_text("已确认").first).to_be_visible()
    step(station, shots, 11, "station-confirms-receipt")

    organization.goto(agreement)
    organization.get_by_role("link", name="成效", exact=True).click()
    organization.get_by_role("button", name="撰写报告").first.click()
    organization.locator("main form.report-form input[inputmode=decimal]").first.fill("25")
    organization.fill("textarea[name=narrative]", "第一个月在坡地上补植脱毒苹果苗木 25 亩。")
    press(organization, "提交审核")
    expect(organization.get_by_text("已提交").first).to_be_visible()
    step(organization, shots, 12, "organization-reports")

    station.goto(agreement)
    station.get_by_role("link", name="成效", exact=True).click()
    station.get_by_role("link", name="查看报告").first.click()
    press(station, "通过报告")
    expect(station.get_by_text("已通过").first).to_be_visible()
    step(station, shots, 13, "station-approves-the-report")

    after = figures(viewer)
    assert after["agreements"] == before["agreements"] + 1
    assert after["money:committed"] == before["money:committed"] + Decimal("60000")
    assert after["money:confirmed"] == before["money:confirmed"] + Decimal(HANDED_OVER)
    step(viewer, shots, 14, "viewer-dashboard")

    public = phone(browser, served, None).new_page()
    public.goto("/transparency")
    card = public.locator("article.entry-card").filter(
        has=public.get_by_role("heading", name=f"{TITLE}帮扶协议")
    )
    expect(card).to_be_visible()
    expect(card.get_by_text("60,000.00")).to_be_visible()
    expect(card.get_by_text(f"{HANDED_OVER_SHOWN}.00")).to_be_visible()
    step(public, shots, 15, "public-transparency")
