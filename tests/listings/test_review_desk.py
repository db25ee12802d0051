"""The reviewers' desk: one queue of needs and offers, the longest waiting first, filtered from
the query string and paged by number; ticked entries approved together, each through its own
approval step; entries returned with a reason from the short list, which their owner reads."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from uuid import UUID

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, User
from catalogue.workflow import EntryState
from core.categories import TopCategory
from demand.models import Channel, Need, Urgency
from regions.models import Region
from supply.models import Offer
from tests.conftest import FakeClock
from tests.factories import (
    YILE_TOWNSHIP,
    YILE_VILLAGE,
    bearer,
    make_organization,
    make_station,
    make_user,
    post_form,
    sign_in,
)

LUDIAN_VILLAGE = "530621001001"
"""石桥社区, 文屏街道, 鲁甸县: another county than 以勒镇 (彝良县)."""
SUBCATEGORY = {
    TopCategory.SPECIAL_GROUPS: "left_behind_children",
    TopCategory.INDUSTRY: "planting",
    TopCategory.TALENT: "education_support",
}
TITLE = re.compile(r'<h3><a href="/catalogue/(?:needs|offers)/[0-9a-f-]{36}">([^<]+)</a></h3>')


def _need(
    clock: FakeClock,
    title: str,
    waited: timedelta,
    *,
    category: TopCategory = TopCategory.SPECIAL_GROUPS,
    village: str = YILE_VILLAGE,
    channel: Channel = Channel.STATION,
    created_by: User | None = None,
) -> Need:
    return Need(
        title=title,
        category=category,
        subcategory_code=SUBCATEGORY[category],
        region_code=village,
        township_code=village[:9] + "000",
        county_code=village[:6] + "000000",
        channel=channel,
        channel_name="" if channel is Channel.STATION else "县种植业协会",
        urgency=Urgency.YELLOW,
        deadline=(clock.now + timedelta(days=60)).date(),
        state=EntryState.SUBMITTED,
        submitted_at=clock.now - waited,
        created_by_id=created_by.id if created_by else None,
    )


async def _offer(
    session: AsyncSession,
    clock: FakeClock,
    title: str,
    waited: timedelta,
    *,
    category: TopCategory = TopCategory.SPECIAL_GROUPS,
    serves: str = YILE_TOWNSHIP,
) -> Offer:
    organization = await make_organization(session)
    region = await session.get(Region, serves)
    assert region is not None
    return Offer(
        title=title,
        category=category,
        subcategory_code=SUBCATEGORY[category],
        organization_id=organization.id,
        valid_from=clock.now.date(),
        valid_until=(clock.now + timedelta(days=90)).date(),
        capacity=1,
        state=EntryState.SUBMITTED,
        submitted_at=clock.now - waited,
        service_regions=[region],
    )


def _titles(page: str) -> list[str]:
    return TITLE.findall(page)


async def _queue(client: AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/review/", params=params)
    assert response.status_code == 200, response.text[:500]
    return _titles(response.text)


async def _state(session: AsyncSession, model: type[Need] | type[Offer], title: str) -> str:
    entry = await session.scalar(
        select(model).where(model.title == title).execution_options(populate_existing=True)
    )
    assert entry is not None
    return entry.state.value


async def test_the_queue_pages_by_number_over_both_kinds_longest_waiting_first(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    # Added in an order unlike their waiting, needs and offers interleaved.
    waits = [(number * 37) % 45 for number in range(45)]
    assert sorted(waits) == list(range(45))
    for wait in waits:
        title = f"排队{44 - wait:02d}"
        if wait % 3:
            session.add(_need(clock, title, timedelta(hours=wait)))
        else:
            session.add(await _offer(session, clock, title, timedelta(hours=wait)))
    await session.flush()
    await make_user(session, Role.REVIEWER, username="desk")
    await sign_in(client, "desk")

    first = await client.get("/review/")
    assert "(45)" in first.text
    assert _titles(first.text) == [f"排队{n:02d}" for n in range(20)], "the longest waiting first"
    assert 'href="?page=3"' in first.text, "numbered pages"
    assert await _queue(client, page=3) == [f"排队{n:02d}" for n in range(40, 45)]
    second = await client.get("/review/", params={"kind": "need", "page": 2})
    needs = [f"排队{44 - wait:02d}" for wait in sorted(waits, reverse=True) if wait % 3]
    assert _titles(second.text) == needs[20:30]
    assert 'href="?kind=need&amp;page=1"' in second.text, "page links keep the filters"
    assert 'name="next" value="/review/?kind=need&amp;page=2"' in second.text, (
        "the forms bring the reviewer back to the same page of the same filters"
    )


async def test_each_filter_narrows_the_queue(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    day = timedelta(days=1)
    session.add_all(
        [
            _need(clock, "彝良留守儿童", 1 * day),
            _need(clock, "鲁甸留守儿童", 2 * day, village=LUDIAN_VILLAGE),
            _need(
                clock,
                "彝良种植协会需求",
                4 * day,
                category=TopCategory.INDUSTRY,
                channel=Channel.ASSOCIATION,
            ),
            _need(clock, "彝良部门需求", 8 * day, channel=Channel.DEPARTMENT),
        ]
    )
    session.add(await _offer(session, clock, "彝良支教", 5 * day, category=TopCategory.TALENT))
    session.add(await _offer(session, clock, "鲁甸全县帮扶", 10 * day, serves="530621000000"))
    await session.flush()
    await make_user(session, Role.REVIEWER, username="desk")
    await sign_in(client, "desk")

    everything = [
        "鲁甸全县帮扶",
        "彝良部门需求",
        "彝良支教",
        "彝良种植协会需求",
        "鲁甸留守儿童",
        "彝良留守儿童",
    ]
    assert await _queue(client) == everything
    assert await _queue(client, kind="offer") == ["鲁甸全县帮扶", "彝良支教"]
    assert await _queue(client, kind="need") == [
        t for t in everything if "需求" in t or "儿童" in t
    ]
    assert await _queue(client, category="industry") == ["彝良种植协会需求"]
    assert await _queue(client, category="talent") == ["彝良支教"]
    assert await _queue(client, county="530621000000") == ["鲁甸全县帮扶", "鲁甸留守儿童"]
    assert await _queue(client, county="530627000000") == [
        "彝良部门需求",
        "彝良支教",
        "彝良种植协会需求",
        "彝良留守儿童",
    ]
    assert await _queue(client, channel="association") == ["彝良种植协会需求"]
    assert await _queue(client, channel="station") == ["鲁甸留守儿童", "彝良留守儿童"]
    assert await _queue(client, waiting="3") == [
        "鲁甸全县帮扶",
        "彝良部门需求",
        "彝良支教",
        "彝良种植协会需求",
    ]
    assert await _queue(client, waiting="7") == ["鲁甸全县帮扶", "彝良部门需求"]
    assert await _queue(client, waiting="7", kind="need", county="530627000000") == ["彝良部门需求"]

    bad = await client.get("/review/", params={"waiting": "2"})
    assert bad.status_code == 400
    assert (await client.get("/review/", params={"county": "5306"})).status_code == 400


async def test_a_scoped_reviewer_sees_and_filters_only_their_categories(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    session.add(_need(clock, "儿童需求", timedelta(days=2)))
    session.add(_need(clock, "产业需求", timedelta(days=1), category=TopCategory.INDUSTRY))
    await session.flush()
    await make_user(session, Role.REVIEWER, username="industry", reviewer_categories=["industry"])
    await sign_in(client, "industry")
    assert await _queue(client) == ["产业需求"]
    assert await _queue(client, category="special_groups") == []
    page = (await client.get("/review/")).text
    assert 'value="special_groups"' not in page, "the category filter offers their own only"


async def test_ticked_entries_are_approved_and_only_those(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    needs = [_need(clock, f"需求{n}", timedelta(days=n + 1)) for n in range(4)]
    offer = await _offer(session, clock, "支教服务", timedelta(days=9))
    session.add_all([*needs, offer])
    await session.flush()
    await make_user(session, Role.REVIEWER, username="desk")
    await sign_in(english, "desk")
    page = (await english.get("/review/")).text
    ticks = re.findall(r'name="entry" value="([^"]+)"', page)
    assert len(ticks) == 5
    chosen = [f"need:{needs[0].id}:1", f"need:{needs[2].id}:1", f"offer:{offer.id}:1"]
    assert set(chosen) <= set(ticks)

    answer = await post_form(
        english, "/review/approve", {"entry": chosen, "next": "/review/?kind=need"}, "/review/"
    )
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == "/review/?kind=need"
    assert [await _state(session, Need, f"需求{n}") for n in range(4)] == [
        "published",
        "submitted",
        "published",
        "submitted",
    ]
    assert await _state(session, Offer, "支教服务") == "published"
    after = await english.get("/review/")
    assert "3 entries approved and published." in after.text
    assert _titles(after.text) == ["需求3", "需求1"]

    again = await post_form(english, "/review/approve", {"entry": chosen[:1]}, "/review/")
    assert again.status_code in (302, 303)
    assert "Not approved: 需求0." in (await english.get("/review/")).text, "already published"
    nothing = await post_form(english, "/review/approve", {"next": "/review/"}, "/review/")
    assert nothing.status_code in (302, 303)
    assert "Tick at least one entry to approve." in (await english.get("/review/")).text
    forged = await post_form(english, "/review/approve", {"entry": ["need:1:1"]}, "/review/")
    assert forged.status_code in (302, 303)
    assert [await _state(session, Need, f"需求{n}") for n in (1, 3)] == ["submitted", "submitted"]


async def test_a_scoped_reviewer_cannot_approve_other_categories_through_the_bulk_form(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    mine = _need(clock, "产业需求", timedelta(days=1), category=TopCategory.INDUSTRY)
    other = _need(clock, "儿童需求", timedelta(days=2))
    session.add_all([mine, other])
    await session.flush()
    await make_user(session, Role.REVIEWER, username="industry", reviewer_categories=["industry"])
    await sign_in(english, "industry")

    answer = await post_form(
        english,
        "/review/approve",
        {"entry": [f"need:{mine.id}:1", f"need:{other.id}:1"]},
        "/review/",
    )
    assert answer.status_code in (302, 303)
    assert await _state(session, Need, "产业需求") == "published"
    assert await _state(session, Need, "儿童需求") == "submitted"
    page = (await english.get("/review/")).text
    assert "1 entries approved and published." in page
    assert f"Not approved: {other.id}." in page


async def test_an_entry_the_reviewer_entered_has_no_tick_and_is_refused_in_bulk(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    poster = await make_user(session, Role.REVIEWER, username="poster")
    entered = _need(clock, "代录需求", timedelta(days=1), created_by=poster)
    session.add(entered)
    await session.flush()
    await sign_in(english, "poster")
    page = (await english.get("/review/")).text
    assert "代录需求" in page
    assert 'name="entry"' not in page
    await post_form(english, "/review/approve", {"entry": [f"need:{entered.id}:1"]}, "/review/")
    assert await _state(session, Need, "代录需求") == "submitted"
    assert (
        "another reviewer of Special-hardship groups must approve it"
        in (await english.get("/review/")).text
    )


async def _station_need(session: AsyncSession, clock: FakeClock) -> tuple[Need, User]:
    station = await make_station(session)
    worker = await make_user(session, Role.STATION_WORKER, username="zhan", station=station)
    need = _need(clock, "以勒村留守儿童托管", timedelta(days=2))
    need.station_id = station.id
    session.add(need)
    await session.flush()
    await make_user(session, Role.REVIEWER, username="desk")
    return need, worker


async def test_a_return_with_a_listed_reason_is_read_by_the_station(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    need, _worker = await _station_need(session, clock)
    await sign_in(client, "desk")
    page = (await client.get("/review/")).text
    assert 'name="cause" value="incomplete"' in page
    assert "<details" in page, "the reason is asked only once 退回 is opened"
    returned = await post_form(
        client,
        f"/catalogue/needs/{need.id}/step/return",
        {"cause": "incomplete", "reason": "请补充受益儿童名单", "next": "/review/"},
        "/review/",
    )
    assert returned.status_code in (302, 303)
    assert await _state(session, Need, need.title) == "returned"

    await sign_in(client, "zhan")
    mine = (await client.get("/my/needs")).text
    assert "信息不完整：请补充受益儿童名单" in mine
    detail = (await client.get(f"/catalogue/needs/{need.id}")).text
    assert "信息不完整：请补充受益儿童名单" in detail


async def test_a_listed_reason_needs_no_words(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    need, _worker = await _station_need(session, clock)
    await sign_in(client, "desk")
    returned = await post_form(
        client, f"/catalogue/needs/{need.id}/step/return", {"cause": "duplicate"}, "/review/"
    )
    assert returned.status_code in (302, 303)
    refreshed = await session.get(Need, need.id, populate_existing=True)
    assert refreshed is not None
    assert refreshed.returned_reason == "重复提交"


async def test_other_without_words_is_refused_and_changes_nothing(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    need, _worker = await _station_need(session, clock)
    await sign_in(client, "desk")
    refused = await post_form(
        client,
        f"/catalogue/needs/{need.id}/step/return",
        {"cause": "other", "reason": "", "next": "/review/"},
        "/review/",
    )
    assert refused.status_code == 400
    assert "其他" in refused.text
    refreshed = await session.get(Need, need.id, populate_existing=True)
    assert refreshed is not None
    assert refreshed.state is EntryState.SUBMITTED
    assert refreshed.returned_reason is None
    unknown = await post_form(
        client, f"/catalogue/needs/{need.id}/step/return", {"cause": "rude"}, "/review/"
    )
    assert unknown.status_code == 400
    assert await _state(session, Need, need.title) == "submitted"


async def test_the_api_returns_with_a_listed_reason(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    need, _worker = await _station_need(session, clock)
    headers = await bearer(client, "desk")
    refused = await client.post(
        f"/api/v1/needs/{need.id}/return", json={"cause": "other"}, headers=headers
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    answer = await client.post(
        f"/api/v1/needs/{need.id}/return",
        json={"cause": "amount", "reason": "经费与人数不符"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert UUID(answer.json()["id"]) == need.id
    assert answer.json()["returned_reason"] == "金额不合理：经费与人数不符"


async def test_the_api_lists_the_same_queue_with_the_same_filters_and_paging(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    day = timedelta(days=1)
    session.add_all(
        [
            _need(clock, "儿童需求", 2 * day),
            _need(clock, "产业需求", 9 * day, category=TopCategory.INDUSTRY),
            _need(clock, "鲁甸需求", 1 * day, village=LUDIAN_VILLAGE),
        ]
    )
    session.add(await _offer(session, clock, "支教服务", 5 * day, category=TopCategory.TALENT))
    await session.flush()
    await make_user(session, Role.REVIEWER, username="desk")
    await make_user(session, Role.REVIEWER, username="industry", reviewer_categories=["industry"])
    headers = await bearer(client, "desk")

    answer = await client.get("/api/v1/review", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["page"], body["page_size"]) == (4, 1, 20)
    assert [item["title"] for item in body["items"]] == [
        "产业需求",
        "支教服务",
        "儿童需求",
        "鲁甸需求",
    ]
    offer = body["items"][1]
    assert (offer["kind"], offer["channel"], offer["waited_days"]) == ("offer", None, 5)
    second = await client.get("/api/v1/review", params={"page": 2, "page_size": 3}, headers=headers)
    assert [item["title"] for item in second.json()["items"]] == ["鲁甸需求"]
    filtered = await client.get(
        "/api/v1/review",
        params={"kind": "need", "county": "530627000000", "waiting": "3"},
        headers=headers,
    )
    assert [item["title"] for item in filtered.json()["items"]] == ["产业需求"]
    bad = await client.get("/api/v1/review", params={"kind": "proposal"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "kind"

    scoped = await client.get("/api/v1/review", headers=await bearer(client, "industry"))
    assert [item["title"] for item in scoped.json()["items"]] == ["产业需求"]
