"""The catalogue's orders (newest, amount, deadline, urgency) on generated needs and offers,
its numbered pages, and a sub-category outside the chosen category refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.pagination import page_numbers
from demand.models import Need, NeedLine, Urgency
from supply.models import Offer, OfferLine
from tests.factories import YILE_TOWNSHIP, YILE_VILLAGE, make_organization

ZHENXIONG = YILE_TOWNSHIP[:6] + "000000"
PUBLISHED = datetime(2026, 3, 1, 8, tzinfo=UTC)
FIRST_DEADLINE = date(2027, 1, 1)

# (title, yuan sought, days to the deadline, urgency, hours after PUBLISHED); equal amounts,
# deadlines and flags on purpose, so that ties must fall back on publication.
NEEDS = [
    ("甲", "5000", 30, Urgency.GREEN, 1),
    ("乙", "80000", 10, Urgency.RED, 2),
    ("丙", "5000", 10, Urgency.YELLOW, 3),
    ("丁", "120000", 60, Urgency.RED, 4),
    ("戊", "0", 30, Urgency.YELLOW, 5),
    ("己", "80000", 10, Urgency.GREEN, 6),
    ("庚", "300", 90, Urgency.RED, 7),
]


def need(title: str, yuan: str, days: int, urgency: Urgency, hours: int) -> Need:
    lines = [NeedLine(position=0, kind=LineKind.GOODS, item="棉被", unit="床", sought=Decimal(40))]
    if Decimal(yuan):
        lines.append(NeedLine(position=1, kind=LineKind.FUNDS, unit="元", sought=Decimal(yuan)))
    return Need(
        category=TopCategory.SPECIAL_GROUPS,
        subcategory_code="left_behind_children",
        title=f"排序测试{title}",
        description="生成的需求",
        state=EntryState.PUBLISHED,
        published_at=PUBLISHED + timedelta(hours=hours),
        region_code=YILE_VILLAGE,
        township_code=YILE_TOWNSHIP,
        county_code=ZHENXIONG,
        urgency=urgency,
        deadline=FIRST_DEADLINE + timedelta(days=days),
        lines=lines,
    )


async def _generated(session: AsyncSession) -> None:
    session.add_all([need(*row) for row in NEEDS])
    await session.flush()


async def _titles(client: AsyncClient, path: str = "/api/v1/needs", **params: str) -> list[str]:
    answer = await client.get(path, params={"page_size": "100", **params})
    assert answer.status_code == 200, answer.text
    return [item["title"].removeprefix("排序测试") for item in answer.json()["items"]]


def _expected(key: object) -> list[str]:
    return [row[0] for row in sorted(NEEDS, key=key)]  # type: ignore[arg-type]


async def test_each_order_lists_needs_rightly_and_ties_by_publication(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _generated(session)
    newest = _expected(lambda row: -row[4])
    assert await _titles(client) == newest
    assert await _titles(client, sort="newest") == newest
    assert newest == ["庚", "己", "戊", "丁", "丙", "乙", "甲"]
    # Largest total in 元 first (the goods line counts nothing); equal amounts newest first.
    assert await _titles(client, sort="amount") == ["丁", "己", "乙", "丙", "甲", "庚", "戊"]
    # Soonest deadline first; equal deadlines in the order they were published.
    assert await _titles(client, sort="deadline") == ["乙", "丙", "己", "甲", "戊", "丁", "庚"]
    # Red, then yellow, then green; newest first within each.
    assert await _titles(client, sort="urgency") == ["庚", "丁", "乙", "戊", "丙", "己", "甲"]
    assert await _titles(client, sort="urgency") == _expected(
        lambda row: (-Urgency(row[3]).weight, -row[4])
    )


async def test_the_order_holds_across_pages_and_filters(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _generated(session)
    pages = [
        await _titles(client, sort="amount", page_size="3", page=str(page)) for page in (1, 2, 3)
    ]
    assert [title for page in pages for title in page] == await _titles(client, sort="amount")
    red = await _titles(client, sort="deadline", urgency="red", county=ZHENXIONG)
    assert red == ["乙", "丁", "庚"]


async def test_the_catalogue_page_sorts_and_keeps_the_order_in_its_links(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _generated(session)
    page = (await client.get("/catalogue", params={"sort": "urgency", "page_size": "3"})).text
    titles = re.findall(r"排序测试(.)</a>", page)
    assert titles == ["庚", "丁", "乙"]
    assert '<option value="urgency" selected>紧急程度</option>' in page
    for label in ("最新", "金额", "截止日期"):
        assert f">{label}</option>" in page
    assert "sort=urgency" in page.split('class="pagination')[1], "the next pages keep the order"
    offers = (await client.get("/catalogue", params={"kind": "offers"})).text
    assert 'value="urgency"' not in offers.split('id="f-sort"')[1].split("</select>")[0]


async def test_a_bad_order_is_a_400_naming_the_field(client: AsyncClient) -> None:
    answer = await client.get("/api/v1/needs", params={"sort": "cheapest"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "sort"


async def test_the_amount_follows_the_lines_when_they_change(session: AsyncSession) -> None:
    entry = need("辛", "2000", 5, Urgency.GREEN, 1)
    entry.lines.append(
        NeedLine(position=2, kind=LineKind.PURCHASE, unit="元", sought=Decimal("500.50"))
    )
    entry.lines.append(
        NeedLine(position=3, kind=LineKind.PURCHASE, unit="吨", sought=Decimal("30"))
    )
    session.add(entry)
    await session.flush()
    assert (entry.amount, entry.urgency_weight) == (Decimal("2500.50"), 0)
    entry.lines = [NeedLine(position=0, kind=LineKind.FUNDS, unit="元", sought=Decimal(900))]
    entry.urgency = Urgency.RED
    await session.flush()
    assert (entry.amount, entry.urgency_weight) == (Decimal(900), 2)


async def test_offers_sort_by_amount_and_end_of_validity(
    client: AsyncClient, session: AsyncSession
) -> None:
    organization = await make_organization(session, "排序测试协会")
    for title, yuan, days, hours in (("甲", 900, 30, 1), ("乙", 50000, 90, 2), ("丙", 900, 10, 3)):
        session.add(
            Offer(
                organization_id=organization.id,
                category=TopCategory.TALENT,
                subcategory_code="expert_service",
                title=f"排序测试{title}",
                state=EntryState.PUBLISHED,
                published_at=PUBLISHED + timedelta(hours=hours),
                valid_from=FIRST_DEADLINE,
                valid_until=FIRST_DEADLINE + timedelta(days=days),
                lines=[
                    OfferLine(position=0, kind=LineKind.FUNDS, unit="元", offered=Decimal(yuan))
                ],
            )
        )
    await session.flush()
    path = "/api/v1/offers"
    assert await _titles(client, path) == ["丙", "乙", "甲"]
    assert await _titles(client, path, sort="amount") == ["乙", "丙", "甲"]
    assert await _titles(client, path, sort="deadline") == ["丙", "甲", "乙"]


def test_page_numbers_show_the_ends_and_the_neighbours_of_the_current_page() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 10) == [1, 2, 3, None, 10]
    assert page_numbers(6, 12) == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert page_numbers(6, 10) == [1, None, 4, 5, 6, 7, 8, 9, 10]
    assert page_numbers(10, 10) == [1, None, 8, 9, 10]
    assert page_numbers(4, 7) == [1, 2, 3, 4, 5, 6, 7], "a gap of one page shows that page"


async def test_the_catalogue_numbers_its_pages_and_marks_the_current_one(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _generated(session)
    page = (await client.get("/catalogue", params={"page_size": "1", "page": "4"})).text
    pages = page.split('class="pagination page-numbers"')[1].split("</nav>")[0]
    numbers = re.findall(r">(\d+|…)</", pages)
    assert numbers == ["1", "2", "3", "4", "5", "6", "7"]
    assert re.search(r'aria-current="page" href="\?[^"]*page=4[^"]*">4</a>', pages)
    assert 'rel="prev"' in pages
    assert 'rel="next"' in pages
    assert "第 4 页，共 7 页" in pages


async def test_a_subcategory_outside_the_chosen_category_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _generated(session)
    wrong = {"category": "industry", "subcategory": "left_behind_children"}
    answer = await client.get("/api/v1/needs", params=wrong)
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {
            "field": "subcategory",
            "code": "unknown_subcategory",
            "message": "请选择所选类别下的子类别。",
        }
    ]
    assert (await client.get("/api/v1/offers", params=wrong)).status_code == 400
    page = await client.get("/catalogue", params=wrong)
    assert page.status_code == 400
    assert "请选择所选类别下的子类别。" in page.text
    right = {"category": "special_groups", "subcategory": "left_behind_children"}
    assert len(await _titles(client, **right)) == len(NEEDS)


async def test_the_subcategories_offered_are_those_of_the_chosen_category(
    client: AsyncClient,
) -> None:
    page = (await client.get("/catalogue", params={"category": "special_groups"})).text
    options = page.split('id="f-subcategory"')[1].split("</select>")[0]
    assert 'value="left_behind_children"' in options
    assert 'value="planting"' not in options, "industry's sub-categories are not offered"
    everything = (await client.get("/catalogue")).text
    assert 'value="planting"' in everything.split('id="f-subcategory"')[1]


async def test_the_filters_apply_as_they_change(client: AsyncClient) -> None:
    page = (await client.get("/catalogue", params={"county": ZHENXIONG})).text
    form = page.split('class="filters"')[1].split(">")[0]
    assert 'hx-trigger="change, submit"' in form
    assert 'hx-select="#catalogue-list"' in form
    assert 'data-clears="township"' in page, "a new county clears the township"
    assert 'data-clears="subcategory"' in page, "a new category clears the sub-category"
    assert 'name="township"' in page
    assert "js/filters.js" in page


async def test_the_filter_form_keeps_every_choice_it_was_given(client: AsyncClient) -> None:
    """A visitor who filtered sees each choice still chosen, one of each list, after the page
    reloads: county, township, category, sub-category, urgency and order."""
    chosen = {
        "county": ZHENXIONG,
        "township": YILE_TOWNSHIP,
        "category": "special_groups",
        "subcategory": "left_behind_children",
        "urgency": "red",
        "sort": "deadline",
    }
    page = (await client.get("/catalogue", params=chosen)).text
    for value in chosen.values():
        assert re.search(rf'<option value="{value}" selected>[^<]+</option>', page), value
    assert page.count(" selected>") == len(chosen)
    assert '<option value="530602000000">昭阳区</option>' in page
