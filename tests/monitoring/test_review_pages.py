"""The half-year review and commendation pages and their workbooks, as the meeting reads
them: every figure on the page and in the workbook equal to a direct computation, for
reviewers, viewers and administrators only; a bad period is a 400 saying what to give."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from httpx import AsyncClient
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from agreements.programmes import programme_name
from core.i18n import translate
from monitoring.figures import Money
from regions.models import Region, RegionLevel
from tests.conftest import FakeClock
from tests.factories import make_user, sign_in
from tests.monitoring.expected import expected_line
from tests.monitoring.records import LAST_MOMENT, Records

PAGES = [
    "/review/half-year?period=2026H2",
    "/review/half-year.xlsx?period=2026",
    "/commendation",
    "/commendation.xlsx?year=2026",
]
MONEY = ("committed", "disbursed", "confirmed", "spent")


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def amounts(money: Money) -> list[str]:
    return [yuan(getattr(money, name)) for name in MONEY]


async def county_names(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(
        select(Region.code, Region.short_name).where(Region.level == RegionLevel.COUNTY)
    )
    return {code: name for code, name in rows}


def table_rows(page: str, caption: str) -> Iterator[list[str]]:
    """The body rows of the table with the caption, as the texts of their cells."""
    tree = html.fromstring(page)
    [table] = tree.xpath(f"//table[caption='{caption}']")
    for row in table.xpath("./tbody/tr"):
        yield [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]


@pytest.fixture
async def viewer(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> AsyncClient:
    clock.now = LAST_MOMENT
    await make_user(session, Role.VIEWER, username="review_viewer")
    await sign_in(client, "review_viewer")
    return client


async def test_the_page_shows_the_computed_figures(
    viewer: AsyncClient, session: AsyncSession, half_year: Records
) -> None:
    answer = await viewer.get("/review/half-year", params={"period": "2026H2"})
    assert answer.status_code == 200, answer.text
    page = answer.text
    signed, period, cumulative = await expected_line(session, "2026H2", {})
    totals = list(table_rows(page, "资金（元）"))
    assert [row[1:] for row in totals] == [
        [yuan(getattr(period, name)), yuan(getattr(cumulative, name))] for name in MONEY
    ]
    counties = await county_names(session)
    tables = {
        "county": ("按县（市、区）", lambda agreement: counties[agreement.county_code]),
        "category": ("按类别", lambda agreement: translate("zh", agreement.category.label)),
        "programme": ("按项目品牌", lambda agreement: programme_name(agreement.programme)),
    }
    for filter_name, (caption, name_of) in tables.items():
        shown = {row[0]: row[1:] for row in table_rows(page, caption)}
        for agreement in half_year.agreements.values():
            key = getattr(
                agreement, f"{filter_name}_code" if filter_name == "county" else filter_name
            )
            signed, period, cumulative = await expected_line(session, "2026H2", {filter_name: key})
            if signed or cumulative != Money():
                wanted = [str(signed), *amounts(period), *amounts(cumulative)]
                assert shown[name_of(agreement)] == wanted, caption
    stalled = {a.number for n, a in half_year.agreements.items() if n in ("a", "b")}
    assert all(number in page for number in stalled)
    assert "停滞项目：已签署或实施中" in page


async def test_the_workbook_holds_the_computed_figures(
    viewer: AsyncClient, session: AsyncSession, half_year: Records
) -> None:
    answer = await viewer.get("/review/half-year.xlsx", params={"period": "2026"})
    assert answer.status_code == 200
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(answer.content))
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    groups = {"county": "县（市、区）", "category": "类别", "programme": "项目品牌"}
    keys = {
        "county": {a.county_code for a in half_year.agreements.values()},
        "category": {a.category.value for a in half_year.agreements.values()},
        "programme": {a.programme for a in half_year.agreements.values()},
    }
    expected_rows = [("合计", *await expected_line(session, "2026", {}))]
    for name, group in groups.items():
        for key in sorted(k for k in keys[name] if k):
            found = await expected_line(session, "2026", {name: key})
            if found[0] or found[2] != Money():
                expected_rows.append((group, *found))
    as_cells = sorted(
        (
            group,
            signed,
            *(getattr(period, n) for n in MONEY),
            *(getattr(cumulative, n) for n in MONEY),
        )
        for group, signed, period, cumulative in expected_rows
    )
    found = sorted((row[0], row[2], *(Decimal(str(v)) for v in row[3:])) for row in rows)
    assert found == as_cells
    titles = [sheet.title for sheet in workbook.worksheets]
    assert titles[1:] == ["本期新签", "本期完成", "停滞项目", "逾期报告", "未决异议", "拟表扬"]
    signed_sheet = [row[0] for row in workbook["本期新签"].iter_rows(min_row=2, values_only=True)]
    assert signed_sheet == sorted(
        half_year.agreements[name].number for name in ("a", "b", "c", "e")
    )


@pytest.mark.parametrize("page", PAGES)
async def test_only_staff_read_the_review(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, page: str
) -> None:
    clock.now = LAST_MOMENT
    anonymous = await client.get(page)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")
    await make_user(session, Role.MEMBER, username="review_member")
    await sign_in(client, "review_member")
    assert (await client.get(page)).status_code == 403
    for role in (Role.REVIEWER, Role.VIEWER, Role.ADMIN):
        await make_user(session, role, username=f"review_{role.value}")
        await sign_in(client, f"review_{role.value}")
        assert (await client.get(page)).status_code == 200, role


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("/review/half-year", "2026H3", "请按“年份+半年”填写期间"),
        ("/review/half-year", "26H1", "请按“年份+半年”填写期间"),
        ("/review/half-year", "1999", "请按“年份+半年”填写期间"),
        ("/review/half-year", "2027H2", "该期间尚未开始"),
        ("/commendation", "2026H1", "请按“年份+半年”填写期间"),
        ("/commendation", "2028", "该期间尚未开始"),
    ],
)
async def test_a_bad_period_is_a_400_saying_what_to_give(
    viewer: AsyncClient, path: str, value: str, message: str
) -> None:
    name = "year" if path == "/commendation" else "period"
    answer = await viewer.get(path, params={name: value})
    assert answer.status_code == 400
    assert message in answer.text


async def test_reviewers_find_both_pages_on_the_workbench(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.REVIEWER, username="review_bench")
    await sign_in(client, "review_bench")
    bench = await client.get("/workbench")
    assert bench.status_code == 200
    assert 'href="/review/half-year"' in bench.text
    assert 'href="/commendation"' in bench.text
