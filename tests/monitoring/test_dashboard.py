"""The staff dashboard (/dashboard) and its workbook (/dashboard.xlsx): who may open them, what
a bad filter answers, and every number they show equal to the same figure computed directly
over the generated records, with and without filters (issue 18, items 1 and 2)."""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient, Response
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.categories import TopCategory
from core.clock import CHINA_STANDARD_TIME
from core.i18n import translate
from followup.alerts import AlertKind
from funds.models import EntryType
from regions.models import Region
from tests.conftest import FakeClock
from tests.factories import bearer, make_user, sign_in
from tests.monitoring import expected
from tests.monitoring.records import LAST_MOMENT, ZHENXIONG, Records, at, build_pipeline

FILTERS = [
    {},
    {"year": 2026},
    {"year": 2027},
    {"county": ZHENXIONG},
    {"category": "special_groups"},
    {"programme": "talent"},
    {"year": 2026, "category": "industry", "county": ZHENXIONG},
]
FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


def figures_on(page: str) -> dict[str, str]:
    """Each number the page marks, by what it is (``block:key[:figure]``)."""
    return dict(FIGURE.findall(page))


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@pytest.fixture
async def generated(client: AsyncClient, records: Records, clock: FakeClock) -> Records:
    """The agreements and ledgers of ``records``, and needs and offers at every stage."""
    await build_pipeline(client, records, clock)
    return records


async def wanted(
    session: AsyncSession, filters: dict[str, Any], clock: FakeClock
) -> dict[str, Decimal | int]:
    """Every figure of the dashboard, computed directly over the records."""
    agreements = await expected.counted(session, filters)
    figures: dict[str, Decimal | int] = {
        "agreements": len(agreements),
        "projects": sum(a.state.value != "signed" for a in agreements),
    }
    engaged = {a.organization_id: a.organization.origin.value for a in agreements}
    figures["organizations"] = len(engaged)
    origins = Counter(engaged.values())
    for origin in ("national", "provincial", "east_west", "local"):
        figures[f"origin:{origin}"] = origins[origin]
    total = expected.zero()
    for agreement in agreements:
        for name, amount in (await expected.money_of(session, agreement)).items():
            total[name] += amount
    figures |= {f"money:{name}": amount for name, amount in total.items()}
    per_county = Counter(a.county_code for a in agreements)
    county_money = await expected.grouped(session, filters, lambda a: a.county_code)
    counties = await session.scalars(select(Region.code).where(Region.level == "county"))
    for code in [filters["county"]] if "county" in filters else list(counties):
        figures[f"county:{code}:agreements"] = per_county[code]
        for name, amount in county_money.get(code, expected.zero()).items():
            figures[f"county:{code}:{name}"] = amount
    by_category = await expected.grouped(session, filters, lambda a: a.category.value)
    for block, groups in (
        ("category", by_category),
        ("month", await expected.monthly(session, filters)),
    ):
        for key, money in groups.items():
            if not any(money.values()):
                continue  # a group without money makes no row, as in the stats API
            figures |= {f"{block}:{key}:{name}": amount for name, amount in money.items()}
    for side in ("needs", "offers"):
        for stage, count in (await expected.stages(session, side, filters)).items():
            figures[f"pipeline:{side}:{stage}"] = count
    urgency, ages = await expected.open_needs(session, filters, clock.now)
    figures |= {f"urgency:{key}": count for key, count in urgency.items()}
    figures |= {f"age:{key}": count for key, count in ages.items()}
    return figures


async def as_reviewer(
    client: AsyncClient, records: Records, path: str, filters: dict[str, Any]
) -> Response:
    await sign_in(client, records.reviewer.identity.username)
    answer = await client.get(path, params=filters)
    assert answer.status_code == 200, answer.text
    return answer


def shown(value: Decimal | int) -> str:
    return yuan(value) if isinstance(value, Decimal) else f"{value:,}"


@pytest.mark.parametrize("filters", FILTERS)
async def test_every_number_on_the_page_is_the_records_own(
    client: AsyncClient,
    session: AsyncSession,
    generated: Records,
    clock: FakeClock,
    filters: dict[str, Any],
) -> None:
    page = await as_reviewer(client, generated, "/dashboard", filters)
    on_page = figures_on(page.text)
    for key, value in (await wanted(session, filters, clock)).items():
        assert on_page.get(key) == shown(value), key
    marked_money = {k for k in on_page if k.startswith(("category:", "month:"))}
    want = await wanted(session, filters, clock)
    assert marked_money == {k for k in want if k.startswith(("category:", "month:"))}


async def test_needs_collected_by_category_are_those_published(
    client: AsyncClient, session: AsyncSession, generated: Records
) -> None:
    await sign_in(client, generated.reviewer.identity.username)
    for filters in ({}, {"year": 2027}, {"category": "talent"}):
        on_page = figures_on((await client.get("/dashboard", params=filters)).text)
        answer = (
            await client.get(
                "/api/v1/stats/overview",
                params=filters,
                headers=await bearer(client, generated.reviewer.identity.username),
            )
        ).json()
        by_category = {row["category"]: row["needs"] for row in answer["needs_by_category"]}
        for key, count in on_page.items():
            if key.startswith("needs:"):
                assert int(count) == by_category.get(key.removeprefix("needs:"), 0), key
        assert sum(by_category.values()) > 0 or filters


def sheet_rows(workbook: Any, title: str) -> list[list[Any]]:
    return [list(row) for row in workbook[title].iter_rows(min_row=2, values_only=True)]


HEADLINE = {
    "参与的社会组织": "organizations",
    "签订协议": "agreements",
    "在实施或已完成的项目": "projects",
    "已承诺金额（元）": "money:committed",
    "已拨付金额（元）": "money:disbursed",
    "已确认到位金额（元）": "money:confirmed",
    "已支出金额（元）": "money:spent",
}
"""The headline sheet's rows by the figure they hold."""


def workbook_figures(book: Any) -> dict[str, Decimal | int]:
    """The workbook's figures under the keys the page marks them with."""
    found: dict[str, Decimal | int] = {}
    for name, count, amount in sheet_rows(book, "主要数字"):
        if name in HEADLINE:
            found[HEADLINE[name]] = count if amount is None else Decimal(str(amount))
    for stage, (_name, _meaning, needs, offers) in zip(
        expected.STAGES, sheet_rows(book, "进展漏斗"), strict=True
    ):
        found |= {f"pipeline:needs:{stage}": needs, f"pipeline:offers:{stage}": offers}
    for _name, code, _uncovered, agreements, *money in sheet_rows(book, "区县覆盖"):
        found[f"county:{code}:agreements"] = agreements
        found |= money_of_row(f"county:{code}", money)
    categories = {translate("zh", category.label): category.value for category in TopCategory}
    for name, *money in sheet_rows(book, "各类别资金"):
        found |= money_of_row(f"category:{categories[name]}", money)
    for month, *money in sheet_rows(book, "按月资金"):
        found |= money_of_row(f"month:{month}", money)
    for block, title, keys in (
        ("urgency", "未结村社需求（按紧急程度）", ("red", "yellow", "green")),
        ("age", "未结村社需求（按已开放天数）", ("under_30", "30_to_89", "90_or_more")),
    ):
        for key, (_name, count) in zip(keys, sheet_rows(book, title), strict=True):
            found[f"{block}:{key}"] = count
    return found


def money_of_row(prefix: str, amounts: list[Any]) -> dict[str, Decimal | int]:
    return {
        f"{prefix}:{name}": Decimal(str(amount)).quantize(Decimal("0.01"))
        for name, amount in zip(expected.FIGURES, amounts, strict=True)
    }


@pytest.mark.parametrize("filters", [FILTERS[0], FILTERS[1], FILTERS[6]])
async def test_the_workbook_holds_the_same_figures_under_its_filters(
    client: AsyncClient,
    session: AsyncSession,
    generated: Records,
    clock: FakeClock,
    filters: dict[str, Any],
) -> None:
    answer = await as_reviewer(client, generated, "/dashboard.xlsx", filters)
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[0] == "筛选条件"
    about = dict(sheet_rows(book, "筛选条件"))
    assert about["年份"] == str(filters.get("year", "全部"))
    category = filters.get("category")
    assert about["类别"] == (translate("zh", TopCategory(category).label) if category else "全部")
    taken = (clock.now + CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M")
    assert about["数据时间（北京时间）"] == taken
    want = await wanted(session, filters, clock)
    found = workbook_figures(book)
    assert {key: value for key, value in want.items() if key in found} == found
    missing = {key for key in want if key not in found and not key.startswith("origin:")}
    assert missing == set()
    assert "未处理预警" in book.sheetnames, "a reviewer sees the alerts"


async def test_reviewers_see_the_open_alerts_per_kind_and_viewers_none(
    client: AsyncClient, session: AsyncSession, records: Records, clock: FakeClock
) -> None:
    national = records.members["national"]
    await records.book("a", national, EntryType.DISBURSEMENT, at("2026-12-01"), amount="1000")
    clock.now = LAST_MOMENT
    reviewer = records.reviewer.identity.username
    listed = await client.get(
        "/api/v1/alerts", params={"page_size": 100}, headers=await bearer(client, reviewer)
    )
    per_kind = Counter(item["kind"] for item in listed.json()["items"])
    assert per_kind, "the records leave alerts open"
    await sign_in(client, reviewer)
    on_page = figures_on((await client.get("/dashboard")).text)
    assert {key: int(value) for key, value in on_page.items() if key.startswith("alerts:")} == {
        f"alerts:{kind}": per_kind[kind] for kind in AlertKind
    }
    await make_user(session, Role.VIEWER, username="leader")
    await sign_in(client, "leader")
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert not any(key.startswith("alerts:") for key in figures_on(page.text))
    book = load_workbook(io.BytesIO((await client.get("/dashboard.xlsx")).content))
    assert "未处理预警" not in book.sheetnames


async def test_staff_open_the_dashboard_and_nobody_else(
    client: AsyncClient, session: AsyncSession
) -> None:
    for path in ("/dashboard", "/dashboard.xlsx"):
        anonymous = await client.get(path)
        assert anonymous.status_code in (302, 303), path
        assert anonymous.headers["location"].startswith("/login?next="), path
    for role in Role:
        await make_user(session, role, username=f"dash_{role.value}")
        await sign_in(client, f"dash_{role.value}")
        page = await client.get("/dashboard")
        allowed = role in (Role.REVIEWER, Role.VIEWER, Role.ADMIN)
        assert page.status_code == (200 if allowed else 403), role
        assert ('href="/dashboard"' in page.text) is allowed, "the header links it for staff"
        xlsx = await client.get("/dashboard.xlsx")
        assert xlsx.status_code == (200 if allowed else 403), role


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "twenty"}, "year"),
        ({"county": "530627106000"}, "county"),
        ({"category": "fishing"}, "category"),
        ({"programme": "nothing"}, "programme"),
    ],
)
async def test_a_bad_filter_is_named_on_the_page_and_shows_no_figures(
    client: AsyncClient, session: AsyncSession, query: dict[str, str], field: str
) -> None:
    await make_user(session, Role.VIEWER, username="leader")
    await sign_in(client, "leader")
    page = await client.get("/dashboard", params=query)
    assert page.status_code == 400
    assert "部分筛选条件无效。" in page.text
    assert f'id="e-{field}" class="field-error"' in page.text
    assert figures_on(page.text) == {}
    assert (await client.get("/dashboard.xlsx", params=query)).status_code == 400


async def test_the_map_outlines_are_served_and_name_every_county(
    client: AsyncClient, session: AsyncSession
) -> None:
    """The county map colours a county only when its name matches its outline's."""
    await make_user(session, Role.VIEWER, username="leader")
    await sign_in(client, "leader")
    page = (await client.get("/dashboard")).text
    found = re.search(r'data-map-name="zhaotong" data-map-url="([^"]+)"', page)
    assert found is not None
    outlines = await client.get(found.group(1))
    assert outlines.status_code == 200
    names = {feature["properties"]["name"] for feature in outlines.json()["features"]}
    counties = await session.scalars(select(Region.short_name).where(Region.level == "county"))
    assert names == set(counties)
