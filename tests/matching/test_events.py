"""Signing events through the API: the plan covers every county it can, lists the others with
the reason, can be edited by hand, and becomes proposals in one action."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from core.clock import local_date
from matching.models import SigningEvent
from matching.plan_candidates import candidate_query, packed_pairs, pairs_row_by_row
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body, post_form, sign_in
from tests.listings.test_import_export import file_name
from tests.matching.bureau import (
    CITY,
    FENGHUANG_VILLAGE,
    YILE,
    YILIANG,
    ZHAOYANG,
    ZHENXIONG,
    Bureau,
    make_event,
)


async def test_the_plan_covers_every_county_it_can_and_names_the_others(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG, YILIANG])
    plan = await bureau.plan(event["id"], k=5)
    assert plan["coverage"] == {ZHENXIONG: 1, ZHAOYANG: 1, YILIANG: 0}
    assert plan["uncovered"] == {YILIANG: "no_candidate"}
    pairs = {(pair["need_id"], pair["offer_id"]) for pair in plan["pairs"]}
    assert pairs == {
        (catalogue["zx_need"]["id"], catalogue["zx_offer"]["id"]),
        (catalogue["zy_need"]["id"], catalogue["city_offer"]["id"]),
    }
    assert all(set(pair["breakdown"]) >= {"geography", "fairness"} for pair in plan["pairs"])


async def test_the_draft_is_edited_then_proposed_in_one_action(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    plan = await bureau.plan(event["id"])
    dropped = next(p for p in plan["pairs"] if p["county_code"] == ZHAOYANG)
    after_drop = await bureau.call("DELETE", f"/{event['id']}/pairs/{dropped['id']}")
    assert after_drop.json()["coverage"] == {ZHENXIONG: 1, ZHAOYANG: 0}
    outside = await bureau.call(
        "POST",
        f"/{event['id']}/pairs",
        json={"need_id": catalogue["zy_need"]["id"], "offer_id": catalogue["zx_offer"]["id"]},
    )
    assert outside.status_code == 400, "the 镇雄 offer does not serve 昭阳"
    added = await bureau.call(
        "POST",
        f"/{event['id']}/pairs",
        json={"need_id": catalogue["zy_need"]["id"], "offer_id": catalogue["city_offer"]["id"]},
    )
    assert added.status_code == 201
    assert added.json()["coverage"] == {ZHENXIONG: 1, ZHAOYANG: 1}
    assert any(pair["added_by_hand"] for pair in added.json()["pairs"])

    preview = (await bureau.call("GET", f"/{event['id']}/proposals")).json()
    assert preview == {
        "pairs": 2,
        "organizations": 1,
        "by_county": {ZHAOYANG: 1, ZHENXIONG: 1},
        "already_proposed": 0,
    }
    converted = await bureau.call("POST", f"/{event['id']}/proposals")
    assert converted.status_code == 200, converted.text
    assert len(converted.json()["proposal_ids"]) == 2
    assert converted.json()["skipped"] == []
    inbox = await bureau.client.get("/api/v1/proposals", headers=bureau.headers["member"])
    assert {item["event_id"] for item in inbox.json()["items"]} == {event["id"]}
    assert {item["proposed_by"] for item in inbox.json()["items"]} == {"reviewer"}
    again = await bureau.call("POST", f"/{event['id']}/proposals")
    assert again.json() == {"proposal_ids": [], "skipped": []}, "proposed pairs stay proposed"
    replanned = await bureau.plan(event["id"])
    assert all(pair["proposal_id"] for pair in replanned["pairs"]), "a re-plan keeps them"
    assert replanned["uncovered"] == {}, "counties served by proposed pairs are covered"
    assert replanned["coverage"] == {ZHENXIONG: 1, ZHAOYANG: 1}


async def test_events_are_for_reviewers_and_refuse_bad_input(bureau: Bureau) -> None:
    member = bureau.headers["member"]
    assert (await bureau.client.get("/api/v1/events", headers=member)).status_code == 403
    assert (await bureau.client.get("/api/v1/events")).status_code == 401
    bad = await bureau.call("POST", "/", json={"name": "x", "held_on": "soon", "county_codes": []})
    assert bad.status_code == 400
    assert {p["field"] for p in bad.json()["errors"]} >= {"name", "held_on", "county_codes"}
    town = await bureau.call(
        "POST", "/", json={"name": "签约活动", "held_on": "2026-07-01", "county_codes": [YILE]}
    )
    assert town.status_code == 400, "counties only"
    unknown = await bureau.call("POST", "/01a23745-2691-7152-bc1d-df8337807b5c/plan")
    assert unknown.status_code == 404


async def test_weak_pairs_only_cover_a_county_and_caps_hold(
    bureau: Bureau, clock: FakeClock
) -> None:
    """A 昭阳 need with only an unrelated offer (another sub-category, no shared words) gets it
    to cover the county, but such a pair never fills up the plan beyond coverage."""
    time_only = [{"kind": "person_days", "amount": "40", "item": "志愿者"}]
    unrelated = await bureau.publish(
        "offers",
        "member",
        offer_body(
            clock,
            subcategory="disabled",
            title="康复器材捐赠",
            description="轮椅拐杖",
            tags=[],
            service_region_codes=[CITY],
            capacity=5,
        ),
    )
    for n in range(3):
        await bureau.publish(
            "needs",
            "zy_worker",
            need_body(
                clock,
                region_code=FENGHUANG_VILLAGE,
                title=f"凤凰村第{n}组留守儿童",
                lines=time_only,
            ),
        )
    event = await make_event(bureau, [ZHAOYANG])
    plan = await bureau.plan(event["id"])
    assert plan["coverage"] == {ZHAOYANG: 1}, "one weak pair covers the county, no more"
    assert {pair["offer_id"] for pair in plan["pairs"]} == {unrelated["id"]}

    good = await bureau.publish(
        "offers", "member", offer_body(clock, service_region_codes=[CITY], capacity=5)
    )
    capped = await bureau.call(
        "POST",
        "/",
        json={
            "name": "限额签约活动",
            "held_on": "2026-07-01",
            "county_codes": [ZHAOYANG],
            "county_cap": 2,
        },
    )
    assert capped.json()["county_cap"] == 2
    capped_plan = await bureau.plan(capped.json()["id"])
    assert capped_plan["coverage"] == {ZHAOYANG: 2}, "three good pairs, cap of two"
    assert {pair["offer_id"] for pair in capped_plan["pairs"]} == {good["id"]}
    refused = await bureau.call(
        "POST",
        "/",
        json={
            "name": "签约活动",
            "held_on": "2026-07-01",
            "county_codes": [ZHAOYANG],
            "county_cap": 0,
        },
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "county_cap"


async def test_re_planning_keeps_hand_edits_and_declines(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    plan = await bureau.plan(event["id"])
    zx_pair = next(p for p in plan["pairs"] if p["county_code"] == ZHENXIONG)
    await bureau.call("DELETE", f"/{event['id']}/pairs/{zx_pair['id']}")
    hand = await bureau.call(
        "POST",
        f"/{event['id']}/pairs",
        json={"need_id": catalogue["zx_need"]["id"], "offer_id": catalogue["city_offer"]["id"]},
    )
    assert hand.status_code == 201
    replanned = await bureau.plan(event["id"])
    pairs = {(p["need_id"], p["offer_id"], p["added_by_hand"]) for p in replanned["pairs"]}
    assert (catalogue["zx_need"]["id"], catalogue["city_offer"]["id"], True) in pairs
    assert (zx_pair["need_id"], zx_pair["offer_id"], False) not in pairs, "dropped stays dropped"

    converted = (await bureau.call("POST", f"/{event['id']}/proposals")).json()
    for proposal_id in converted["proposal_ids"]:
        proposal = (
            await bureau.client.get(
                f"/api/v1/proposals/{proposal_id}", headers=bureau.headers["member"]
            )
        ).json()
        await bureau.client.post(
            f"/api/v1/proposals/{proposal_id}/decline",
            json={"reason": "人手不足"},
            headers=bureau.headers["member"],
        )
        assert proposal["awaiting"] == ["offer", "need"]
    fresh = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    fresh_plan = await bureau.plan(fresh["id"])
    declined = {(p["need_id"], p["offer_id"]) for p in replanned["pairs"]}
    assert not declined & {(p["need_id"], p["offer_id"]) for p in fresh_plan["pairs"]}
    again = await bureau.call(
        "POST",
        f"/{fresh['id']}/pairs",
        json={"need_id": catalogue["zx_need"]["id"], "offer_id": catalogue["city_offer"]["id"]},
    )
    assert again.status_code == 400
    assert "人手不足" in again.json()["message"]


async def test_planning_again_with_nothing_changed_gives_the_same_plan(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    """A re-plan replaces the planner's own pairs, so they are candidates again: the optimum
    found before is found again, not a plan without it."""
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    first = await bureau.plan(event["id"])
    again = await bureau.plan(event["id"])
    chosen = {(p["need_id"], p["offer_id"]) for p in first["pairs"]}
    assert chosen
    assert {(p["need_id"], p["offer_id"]) for p in again["pairs"]} == chosen
    assert again["coverage"] == first["coverage"]


async def test_the_plan_downloads_with_coverage_and_hand_edits_for_reviewers_only(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG, YILIANG])
    plan = await bureau.plan(event["id"])
    dropped = next(p for p in plan["pairs"] if p["county_code"] == ZHAOYANG)
    await bureau.call("DELETE", f"/{event['id']}/pairs/{dropped['id']}")
    client = bureau.client
    await sign_in(client, "rev")
    page = await client.get(f"/events/{event['id']}")
    assert f'href="/events/{event["id"]}/plan.xlsx"' in page.text

    answer = await client.get(f"/events/{event['id']}/plan.xlsx")
    assert answer.status_code == 200
    assert file_name(answer) == "签约计划-百社助千村签约活动-2026-07-01.xlsx"
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["区县覆盖", "签约计划"]
    counties = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert counties[0] == ("县（市、区）", "匹配数", "说明")
    by_name = {str(row[0])[:2]: row[1:] for row in counties[1:]}
    assert by_name == {
        "镇雄": (1, None),
        "昭阳": (0, None),
        "彝良": (0, "该县区的村社需求没有可匹配的资源"),
    }
    pairs = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert pairs[0][:2] == ("县（市、区）", "村社需求")
    by_need = {row[1]: row for row in pairs[1:]}
    assert set(by_need) == {"以勒村留守儿童暑期托管", "凤凰村留守儿童暑期托管"}
    kept, gone = by_need["以勒村留守儿童暑期托管"], by_need["凤凰村留守儿童暑期托管"]
    assert (kept[4], kept[7]) == ("镇雄县暑期托管志愿服务", "在计划中")
    assert isinstance(kept[6], int)
    assert gone[7] == "已手动移除", "a dropped pair stays in the file, marked"
    assert str(kept[10]).endswith(f"/catalogue/needs/{catalogue['zx_need']['id']}")

    await sign_in(client, "member")
    assert (await client.get(f"/events/{event['id']}")).status_code == 403
    assert (await client.get(f"/events/{event['id']}/plan.xlsx")).status_code == 403


async def test_a_past_event_date_is_refused_by_the_api_and_the_form(
    bureau: Bureau, session: AsyncSession, clock: FakeClock
) -> None:
    """The test clock stands at 2026-06-01 (Beijing time): the day before has passed."""
    count = select(func.count()).select_from(SigningEvent)
    before = await session.scalar(count)
    body = {"name": "签约活动", "held_on": "2026-05-31", "county_codes": [ZHENXIONG]}
    past = await bureau.call("POST", "/", json=body)
    assert past.status_code == 400
    problems = past.json()["errors"]
    assert [(p["field"], p["code"]) for p in problems] == [("held_on", "past_date")]
    assert "2026-05-31" in problems[0]["message"]
    assert "2026-06-01" in problems[0]["message"]
    today = await bureau.call("POST", "/", json={**body, "held_on": "2026-06-01"})
    assert today.status_code == 201, "today is not the past"

    client = bureau.client
    await sign_in(client, "rev")
    form = await client.get("/events")
    assert 'min="2026-06-01"' in form.text
    page = await post_form(
        client,
        "/events",
        {
            "name": "第二场签约活动",
            "held_on": "2026-05-20",
            "place": "昭阳区",
            "county_codes": ZHENXIONG,
        },
        "/events",
    )
    assert page.status_code == 400
    assert "2026-05-20 已经过去" in page.text
    assert 'value="第二场签约活动"' in page.text, "the other fields stay filled in"
    assert 'value="昭阳区"' in page.text
    assert await session.scalar(count) == (before or 0) + 1, "only today's event was created"


async def test_the_pairs_packed_by_postgresql_are_the_pairs_read_row_by_row(
    catalogue: dict[str, dict[str, Any]], session: AsyncSession, clock: FakeClock
) -> None:
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("PostgreSQL packs the pairs; elsewhere they are read row by row")
    reviewer = await session.scalar(select(User).where(User.username == "rev"))
    assert reviewer is not None
    identity, today = Identity.of(reviewer), local_date(clock())
    query = candidate_query([ZHENXIONG, ZHAOYANG], today, identity)
    packed = np.sort(await packed_pairs(connection, query))
    assert sorted(packed["level"].tolist()) == [4, 4, 6], "city-wide twice, 镇雄 once"
    assert np.array_equal(packed, np.sort(await pairs_row_by_row(connection, query)))
    assert len(await packed_pairs(connection, candidate_query([YILIANG], today, identity))) == 0
