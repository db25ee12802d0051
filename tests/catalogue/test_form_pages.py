"""The need and offer forms as people use them: up to ten lines added on the page, the
station worker's place inside its township, an offer serving several places at once, and
messages that state the limit a field breaks, in Chinese and in English."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.forms import WHOLE_CITY
from demand.models import Need
from supply.models import Offer
from tests.conftest import FakeClock
from tests.factories import (
    YILE_TOWNSHIP,
    YILE_VILLAGE,
    bearer,
    created_id,
    make_station,
    make_user,
    need_body,
    offer_form,
    post_form,
    sign_in,
)

DAWAN_TOWNSHIP = "530627105000"
DAWAN_VILLAGE = "530627105201"
"""大湾镇 and one of its villages, beside 以勒镇 in the same county."""
ZHENXIONG = "530627000000"
ZHAOYANG = "530602000000"


def need_form(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "public_services",
        "subcategory": "children_home",
        "title": "以勒村儿童之家图书角",
        "description": "儿童之家缺少适龄图书和书架。",
        "region_code": YILE_VILLAGE,
        "urgency": "yellow",
        "deadline": "2026-07-15",
        "lines.0.kind": "funds",
        "lines.0.amount": "5000",
        **overrides,
    }


def funds_rows(count: int) -> dict[str, str]:
    """``count`` filled line rows, numbered as the page's script numbers them."""
    rows: dict[str, str] = {}
    for row in range(count):
        rows[f"lines.{row}.kind"] = "goods"
        rows[f"lines.{row}.amount"] = str(10 + row)
        rows[f"lines.{row}.item"] = f"物品{row + 1}"
        rows[f"lines.{row}.unit"] = "件"
    return rows


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _worker(session: AsyncSession) -> None:
    station = await make_station(session, YILE_TOWNSHIP)
    await make_user(session, Role.STATION_WORKER, username="yile", station=station)


async def test_a_need_takes_ten_lines_and_an_eleventh_is_refused_keeping_the_rows(
    english: AsyncClient, session: AsyncSession
) -> None:
    await _worker(session)
    await sign_in(english, "yile")
    page = await english.get("/my/needs/new")
    assert 'data-rows data-max="10"' in page.text
    assert "data-add-row" in page.text
    assert "data-delete-row" in page.text
    assert "Add a row" in page.text

    eleven = await post_form(english, "/my/needs/new", need_form(**funds_rows(11)), "/my/needs/new")
    assert eleven.status_code == 400
    assert "At most 10 lines" in eleven.text
    for row in range(11):
        assert f'name="lines.{row}.item" value="物品{row + 1}"' in eleven.text, row
    assert await _count(session, Need) == 0

    ten = await post_form(english, "/my/needs/new", need_form(**funds_rows(10)), "/my/needs/new")
    need = await session.get(Need, created_id(ten))
    assert need is not None
    assert [line.item for line in need.lines] == [f"物品{row + 1}" for row in range(10)]
    edit = await english.get(f"/my/needs/{need.id}/edit")
    assert 'name="lines.9.item" value="物品10"' in edit.text, "the edit form shows all ten"


async def test_rows_deleted_on_the_page_leave_no_gap_and_problems_stay_on_their_row(
    english: AsyncClient, session: AsyncSession
) -> None:
    await _worker(session)
    await sign_in(english, "yile")
    form = need_form(
        **{
            "lines.0.amount": "",
            "lines.0.kind": "",
            "lines.4.kind": "goods",
            "lines.4.amount": "1.234",
            "lines.4.item": "书架",
            "lines.4.unit": "个",
            "lines.7.kind": "funds",
            "lines.7.amount": "800",
        }
    )
    answer = await post_form(english, "/my/needs/new", form, "/my/needs/new")
    assert answer.status_code == 400
    assert 'name="lines.0.amount" value="1.234"' in answer.text
    assert 'name="lines.1.amount" value="800"' in answer.text
    assert 'href="#f-lines.0.amount"' in answer.text
    assert "Must be greater than 0, with at most two decimal places." in answer.text
    assert await _count(session, Need) == 0


async def test_the_station_workers_picker_offers_only_its_own_township(
    english: AsyncClient, session: AsyncSession
) -> None:
    await _worker(session)
    await sign_in(english, "yile")
    page = await english.get("/my/needs/new")
    assert f"within={YILE_TOWNSHIP}" in page.text

    picker = await english.get(
        "/regions/_picker",
        params={"field": "region_code", "within": YILE_TOWNSHIP, "_county": ZHAOYANG},
    )
    options = set(re.findall(r'<option value="(\d{12})"', picker.text))
    assert ZHENXIONG in options
    assert YILE_TOWNSHIP in options
    assert YILE_VILLAGE in options
    assert ZHAOYANG not in options, "no other county"
    assert DAWAN_TOWNSHIP not in options, "no other township of the county"
    assert all(code.startswith(YILE_TOWNSHIP[:9]) for code in options - {ZHENXIONG})
    assert f"within={YILE_TOWNSHIP}" in picker.text, "it stays inside as it re-renders"

    anywhere = await english.get("/regions/_picker", params={"field": "region_code"})
    assert ZHAOYANG in anywhere.text, "other forms still pick from the whole city"


async def test_a_station_worker_cannot_place_a_need_in_another_township(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await _worker(session)
    await sign_in(english, "yile")
    form = await post_form(
        english, "/my/needs/new", need_form(region_code=DAWAN_VILLAGE), "/my/needs/new"
    )
    assert form.status_code == 400
    assert "only for its own township" in form.text
    headers = await bearer(english, "yile")
    api = await english.post(
        "/api/v1/needs", json=need_body(clock, region_code=DAWAN_TOWNSHIP), headers=headers
    )
    assert api.status_code == 400
    assert [error["field"] for error in api.json()["errors"]] == ["region_code"]
    assert await _count(session, Need) == 0


async def test_an_offer_serves_several_places_chosen_at_once(
    english: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.MEMBER, username="xiehui")
    await sign_in(english, "xiehui")
    page = await english.get("/my/offers/new")
    assert "Add another region" in page.text
    chosen = [YILE_TOWNSHIP, DAWAN_TOWNSHIP, ZHAOYANG]
    bad = await post_form(
        english,
        "/my/offers/new",
        offer_form(service_region_codes=chosen, whole_city="on", title="x"),
        "/my/offers/new",
    )
    assert bad.status_code == 400
    for code in chosen:
        assert f'name="service_region_codes" value="{code}" checked' in bad.text, code
    assert 'name="whole_city" value="on" checked' in bad.text

    created = await post_form(
        english,
        "/my/offers/new",
        offer_form(service_region_codes=chosen, whole_city="on"),
        "/my/offers/new",
    )
    offer = await session.get(Offer, created_id(created))
    assert offer is not None
    assert offer.service_region_codes == sorted([*chosen, WHOLE_CITY])
    shown = await english.get(f"/catalogue/offers/{offer.id}")
    assert "The whole city" in shown.text
    assert "镇雄县/以勒镇" in shown.text
    assert "镇雄县/大湾镇" in shown.text


async def test_messages_state_the_limit_in_chinese_and_english(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await _worker(session)
    headers = await bearer(client, "yile")
    body = need_body(
        clock,
        title="长" * 101,
        description="字" * 4001,
        lines=[{"kind": "funds", "amount": "0"}] * 11,
        tags=[f"标签{n}" for n in range(11)],
        beneficiary_count=2_000_000,
    )
    expected = {
        "zh": {
            "title": "不超过 100 字",
            "description": "不超过 4,000 字",
            "lines": "最多 10 项",
            "tags": "最多 10 项",
            "beneficiary_count": "不能大于 1,000,000",
        },
        "en": {
            "title": "At most 100 characters",
            "description": "At most 4,000 characters",
            "lines": "At most 10",
            "tags": "At most 10",
            "beneficiary_count": "Must be at most 1,000,000",
        },
    }
    for language, messages in expected.items():
        client.cookies.set("lang", language)
        answer = await client.post("/api/v1/needs", json=body, headers=headers)
        assert answer.status_code == 400
        found = {error["field"]: error["message"] for error in answer.json()["errors"]}
        for field, message in messages.items():
            assert message in found[field], (language, field, found[field])
        assert "该值无效" not in answer.text
        assert "not valid" not in answer.text

    client.cookies.set("lang", "zh")
    one = await client.post(
        "/api/v1/needs",
        json=need_body(clock, lines=[{"kind": "funds", "amount": "0.001"}]),
        headers=headers,
    )
    assert one.json()["errors"][0]["message"] == "须大于 0，最多两位小数。"
    await sign_in(client, "yile")
    form = await post_form(client, "/my/needs/new", need_form(**funds_rows(11)), "/my/needs/new")
    assert "最多 10 行" in form.text
    assert await _count(session, Need) == 0
