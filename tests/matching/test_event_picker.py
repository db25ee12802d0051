"""Adding a pair to a signing event by hand: the page lists no catalogue; the reviewer finds the
need and the offer by typing, ten at a time, and adds the pair chosen."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
    post_form,
    sign_in,
)

YILE, ZHENXIONG = "530627106000", "530627000000"
FENGHUANG, FENGHUANG_VILLAGE, ZHAOYANG = "530602001000", "530602001001", "530602000000"


async def _publish(
    client: AsyncClient, kind: str, body: dict[str, Any], owner: dict[str, str], reviewer: Any
) -> str:
    entry = (await client.post(f"/api/v1/{kind}", json=body, headers=owner)).json()
    await client.post(f"/api/v1/{kind}/{entry['id']}/submit", headers=owner)
    approved = await client.post(f"/api/v1/{kind}/{entry['id']}/approve", headers=reviewer)
    assert approved.status_code == 200, approved.text
    return str(entry["id"])


@pytest.fixture
async def bureau(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> dict[str, Any]:
    """A need in 镇雄县 and one in 昭阳区, twelve offers (one of them about apples), indexed,
    and an event for 镇雄县 alone; the reviewer signed in."""
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    workers = {}
    for township in (YILE, FENGHUANG):
        station = await make_station(session, township)
        user = await make_user(session, Role.STATION_WORKER, station=station)
        workers[township] = await bearer(client, user.username)
    member, reviewer = await bearer(client, "member"), await bearer(client, "rev")
    here = await _publish(client, "needs", need_body(clock), workers[YILE], reviewer)
    elsewhere = await _publish(
        client,
        "needs",
        need_body(clock, region_code=FENGHUANG_VILLAGE, title="凤凰村留守儿童暑期托管"),
        workers[FENGHUANG],
        reviewer,
    )
    apples = await _publish(
        client, "offers", offer_body(clock, title="苹果种植技术培训"), member, reviewer
    )
    others = [
        await _publish(
            client, "offers", offer_body(clock, title=f"暑期托管志愿服务{n}"), member, reviewer
        )
        for n in range(11)
    ]
    await app.state.search.indexer.drain()
    await sign_in(client, "rev")
    created = await post_form(
        client,
        "/events",
        {"name": "百社助千村签约活动", "held_on": "2026-07-01", "county_codes": ZHENXIONG},
        token_page="/events",
    )
    return {
        "event": created.headers["location"],
        "here": here,
        "elsewhere": elsewhere,
        "apples": apples,
        "others": others,
    }


async def test_the_event_page_lists_no_catalogue_but_a_picker(
    client: AsyncClient, bureau: dict[str, Any]
) -> None:
    page = (await client.get(bureau["event"])).text
    assert bureau["here"] not in page
    assert bureau["apples"] not in page
    assert f'hx-get="{bureau["event"]}/_pick/need' in page
    assert f'hx-get="{bureau["event"]}/_pick/offer' in page
    assert '<option value="530627000000">镇雄县</option>' in page, "the event's county to choose"


async def test_typed_words_find_the_offer_and_the_pair_chosen_is_added(
    client: AsyncClient, bureau: dict[str, Any]
) -> None:
    event = bureau["event"]
    needs = (await client.get(f"{event}/_pick/need", params={"county": ZHENXIONG})).text
    assert f'name="need_id" value="{bureau["here"]}"' in needs
    offers = (await client.get(f"{event}/_pick/offer", params={"words": "苹果"})).text
    assert f'name="offer_id" value="{bureau["apples"]}"' in offers
    assert "<mark>苹果</mark>" in offers
    assert not any(other in offers for other in bureau["others"])
    added = await post_form(
        client,
        f"{event}/add",
        {"need_id": bureau["here"], "offer_id": bureau["apples"], "words": "苹果"},
        token_page=event,
    )
    assert added.status_code == 302
    assert "手动添加" in (await client.get(event)).text


async def test_needs_come_only_from_the_event_s_counties(
    client: AsyncClient, bureau: dict[str, Any]
) -> None:
    asked_elsewhere = await client.get(
        f"{bureau['event']}/_pick/need", params={"county": ZHAOYANG, "words": "留守儿童"}
    )
    assert asked_elsewhere.status_code == 200
    assert bureau["elsewhere"] not in asked_elsewhere.text
    assert bureau["here"] in asked_elsewhere.text, "the event's own county instead"


async def test_ten_at_a_time_then_more(client: AsyncClient, bureau: dict[str, Any]) -> None:
    first = (await client.get(f"{bureau['event']}/_pick/offer")).text
    assert first.count('name="offer_id"') == 10
    assert "page=2" in first
    second = (await client.get(f"{bureau['event']}/_pick/offer", params={"page": 2})).text
    assert second.count('name="offer_id"') == 2
    assert "page=3" not in second
    nothing = (await client.get(f"{bureau['event']}/_pick/offer", params={"words": "天麻"})).text
    assert 'name="offer_id"' not in nothing
    assert "没有" in nothing


async def test_only_reviewers_pick_and_bad_input_is_refused(
    client: AsyncClient, bureau: dict[str, Any]
) -> None:
    assert (await client.get(f"{bureau['event']}/_pick/nothing")).status_code == 400
    assert (
        await client.get(f"{bureau['event']}/_pick/offer", params={"page": 0})
    ).status_code == 400
    await sign_in(client, "member")
    assert (await client.get(f"{bureau['event']}/_pick/offer")).status_code == 403
