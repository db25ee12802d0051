"""The search page, the suggestions under every page's search box, and the search API's
answers to good and bad questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.clock import local_date
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)

YILE = "530627106000"
ZHENXIONG = "530627000000"


@pytest.fixture
async def catalogue(
    app: Litestar, client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> dict[str, str]:
    """One published need and one published offer, indexed."""
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, member = await bearer(client, "worker"), await bearer(client, "member")
    reviewer = await bearer(client, "rev")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)
    offer = (await client.post("/api/v1/offers", json=offer_body(clock), headers=member)).json()
    await client.post(f"/api/v1/offers/{offer['id']}/submit", headers=member)
    await client.post(f"/api/v1/offers/{offer['id']}/approve", headers=reviewer)
    await app.state.search.indexer.drain()
    return {"need": need["id"], "offer": offer["id"]}


async def test_api_answers_with_hits_facets_and_links(
    client: AsyncClient, catalogue: dict[str, str]
) -> None:
    answer = await client.get("/api/v1/search", params={"q": "托管"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 2
    assert {item["entry_id"] for item in body["items"]} == set(catalogue.values())
    assert body["facets"]["kind"] == {"need": 1, "offer": 1}
    assert body["facets"]["county"] == {ZHENXIONG: 2}
    assert body["facets"]["urgency"] == {"red": 1}
    assert (body["engine"], body["degraded"]) == ("embedded", False)
    need = next(item for item in body["items"] if item["kind"] == "need")
    assert need["url"] == f"/catalogue/needs/{catalogue['need']}"
    assert "<mark>托管</mark>" in need["title_html"]
    only_offers = await client.get("/api/v1/search", params={"q": "托管", "kind": "offer"})
    assert [item["entry_id"] for item in only_offers.json()["items"]] == [catalogue["offer"]]


async def test_contact_details_are_not_in_search_answers(
    client: AsyncClient, catalogue: dict[str, str]
) -> None:
    answer = await client.get("/api/v1/search", params={"q": "志愿"})
    assert answer.json()["total"] >= 1
    assert "0871-6666666" not in answer.text
    assert "周老师" not in answer.text
    assert (await client.get("/api/v1/search", params={"q": "周老师"})).json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "101"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"sort": "cheapest"}, "sort"),
        ({"kind": "person"}, "kind"),
        ({"county": "5306"}, "county"),
        ({"state": "draft"}, "state"),
        ({"q": "养" * 101}, "q"),
    ],
)
async def test_bad_search_options_are_a_400_naming_the_field(
    client: AsyncClient, params: dict[str, str], field: str
) -> None:
    answer = await client.get("/api/v1/search", params=params)
    assert answer.status_code == 400
    assert field in {problem["field"] for problem in answer.json()["errors"]}


async def test_page_shows_marked_hits_and_facets_as_toggling_links(
    client: AsyncClient, catalogue: dict[str, str]
) -> None:
    page = await client.get("/search", params={"q": "托管"})
    assert page.status_code == 200
    assert "共 2 条" in page.text
    assert "<mark>托管</mark>" in page.text
    assert f'href="/catalogue/needs/{catalogue["need"]}"' in page.text
    assert 'href="/search?q=%E6%89%98%E7%AE%A1&amp;kind=need"' in page.text
    assert "镇雄县" in page.text
    narrowed = await client.get("/search", params={"q": "托管", "kind": "need"})
    assert "共 1 条" in narrowed.text
    assert 'href="/search?q=%E6%89%98%E7%AE%A1"' in narrowed.text, "the chosen value unsets"


async def test_page_in_english(english: AsyncClient, catalogue: dict[str, str]) -> None:
    page = await english.get("/search", params={"q": "托管"})
    assert "Search needs and offers" in page.text
    assert "Needs of villages" in page.text


async def test_nothing_found_suggests_what_to_try(client: AsyncClient) -> None:
    page = await client.get("/search", params={"q": "火箭发射"})
    assert page.status_code == 200
    assert "拼音" in page.text
    assert "试试逐个词搜索" in page.text
    assert 'href="/search?q=%E7%81%AB%E7%AE%AD"' in page.text, "火箭 searched alone"
    assert "或浏览最相近的类别" in page.text
    assert "/search?category=" in page.text, "no sub-category is near: the five categories"
    assert "您是不是要找" not in page.text


async def test_nothing_found_offers_the_nearest_categories(client: AsyncClient) -> None:
    page = await client.get("/search", params={"q": "老人医疗"})
    assert "或浏览最相近的类别" in page.text
    assert "/search?subcategory=" in page.text
    assert "养老" in page.text


async def test_a_typo_is_answered_for_the_word_meant(
    client: AsyncClient, catalogue: dict[str, str]
) -> None:
    answer = (await client.get("/api/v1/search", params={"q": "托菅"})).json()
    assert answer["did_you_mean"] == "托管"
    assert answer["total"] == 2
    page = await client.get("/search", params={"q": "托菅"})
    assert "您是不是要找" in page.text
    assert 'href="/search?q=%E6%89%98%E7%AE%A1"' in page.text


async def test_broadened_results_say_so(client: AsyncClient, catalogue: dict[str, str]) -> None:
    answer = (await client.get("/api/v1/search", params={"q": "暑期托管 火箭 航天"})).json()
    assert (answer["broadened"], answer["total"]) == (True, 2)
    page = await client.get("/search", params={"q": "暑期托管 火箭 航天"})
    assert "已放宽条件" in page.text
    plain = (await client.get("/api/v1/search", params={"q": "托管"})).json()
    assert (plain["broadened"], plain["did_you_mean"]) == (False, None)


async def test_every_page_has_the_search_box_with_suggestions(
    client: AsyncClient, catalogue: dict[str, str]
) -> None:
    home = await client.get("/")
    assert 'hx-get="/search/_suggest"' in home.text
    suggestions = await client.get("/search/_suggest", params={"q": "tuoguan"})
    assert suggestions.status_code == 200
    assert suggestions.text.count("<li>") == 2
    assert "<mark>托管</mark>" in suggestions.text
    assert (await client.get("/search/_suggest", params={"q": ""})).text.strip() == ""


async def test_result_cards_show_the_place_the_urgency_in_words_and_the_dates(
    client: AsyncClient, catalogue: dict[str, str], clock: FakeClock
) -> None:
    page = (await client.get("/search", params={"q": "托管"})).text
    cards = {
        kind: next(
            card
            for card in page.split('<article class="hit">')[1:]
            if catalogue[kind] in card.split("</h3>")[0]
        )
        for kind in ("need", "offer")
    }
    need, offer = cards["need"], cards["offer"]
    assert "镇雄县 · 以勒镇" in need
    assert "红色：紧急" in need, "the flag says it in words, not by colour alone"
    published = local_date(clock.now)
    assert f"{published} 发布" in need
    assert f"截止日期 {(clock.now + timedelta(days=60)).date()}" in need
    assert "镇雄县" in offer
    assert "紧急" not in offer
    assert f"{published} 发布" in offer
