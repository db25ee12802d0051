"""Matching pages as people use them: suggestions on an entry's page, proposing and answering
with forms, signing events planned and proposed from their page, the reviewer's workbench."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.downloads import XLSX_TYPE
from core.i18n import LOCALE_COOKIE
from matching.models import PlanRunState, Proposal
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
from tests.matching.planning import carry_out_queued

YILE = "530627106000"
ZHENXIONG = "530627000000"


@pytest.fixture
async def entries(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> dict[str, Any]:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, member, reviewer = [await bearer(client, n) for n in ("worker", "member", "rev")]
    published = {}
    for kind, owner, body in (
        ("needs", worker, need_body(clock)),
        ("offers", member, offer_body(clock)),
    ):
        entry = (await client.post(f"/api/v1/{kind}", json=body, headers=owner)).json()
        await client.post(f"/api/v1/{kind}/{entry['id']}/submit", headers=owner)
        await client.post(f"/api/v1/{kind}/{entry['id']}/approve", headers=reviewer)
        published[kind] = entry
    return published


async def test_the_station_sees_suggestions_and_proposes_from_its_need_page(
    client: AsyncClient, entries: dict[str, Any]
) -> None:
    need, offer = entries["needs"], entries["offers"]
    anonymous = await client.get(f"/catalogue/needs/{need['id']}")
    assert "matching/_suggestions" not in anonymous.text
    await sign_in(client, "worker")
    page = await client.get(f"/catalogue/needs/{need['id']}")
    panel_url = re.search(r'hx-get="(/matching/_suggestions/need/[^"]+)"', page.text)
    assert panel_url is not None
    panel = await client.get(panel_url.group(1))
    assert offer["title"] in panel.text
    assert "<meter" in panel.text, "why it is suggested, in detail"
    sentence = re.search(r'class="why-sentence"><small>(.*?)</small>', panel.text)
    assert sentence is not None
    assert "同属特殊困难群体·留守儿童" in sentence.group(1), "a sentence from the top components"
    assert "新加入的组织" in panel.text, "not a track record of 50%"
    proposed = await post_form(
        client,
        "/proposals/new",
        {"need_id": need["id"], "offer_id": offer["id"], "next": f"/catalogue/needs/{need['id']}"},
    )
    assert proposed.headers["location"] == f"/catalogue/needs/{need['id']}"
    listing = await client.get("/proposals")
    assert offer["title"] in listing.text
    assert "/withdraw" in listing.text


async def test_a_member_who_found_a_need_proposes_one_of_its_own_offers_from_its_page(
    client: AsyncClient, session: AsyncSession, entries: dict[str, Any]
) -> None:
    """An organization that found a need by searching proposes from the need's page: the
    panel lists its own offers that suit the need, never another organization's."""
    need, offer = entries["needs"], entries["offers"]
    other = await make_organization(session, "昭通市另一公益协会")
    await make_user(session, Role.MEMBER, username="other_member", organization=other)
    await sign_in(client, "other_member")
    page = await client.get(f"/catalogue/needs/{need['id']}")
    panel_url = re.search(r'hx-get="(/matching/_suggestions/need/[^"]+)"', page.text)
    assert panel_url is not None
    assert offer["title"] not in (await client.get(panel_url.group(1))).text
    await sign_in(client, "member")
    panel = await client.get(panel_url.group(1))
    assert offer["title"] in panel.text
    proposed = await post_form(
        client,
        "/proposals/new",
        {"need_id": need["id"], "offer_id": offer["id"], "next": f"/catalogue/needs/{need['id']}"},
    )
    assert proposed.headers["location"] == f"/catalogue/needs/{need['id']}"
    assert await session.scalar(select(func.count()).select_from(Proposal)) == 1


async def test_why_suggested_reads_in_english_with_english_units_and_separators(
    client: AsyncClient, entries: dict[str, Any]
) -> None:
    need = entries["needs"]
    await sign_in(client, "worker")
    client.cookies.set(LOCALE_COOKIE, "en")
    page = await client.get(f"/catalogue/needs/{need['id']}")
    panel_url = re.search(r'hx-get="(/matching/_suggestions/need/[^"]+)"', page.text)
    assert panel_url is not None
    panel = await client.get(panel_url.group(1))
    sentence = re.search(r'class="why-sentence"><small>(.*?)</small>', panel.text)
    assert sentence is not None
    text = sentence.group(1)
    assert text.startswith("Why suggested: Both in ")
    assert "; " in text, "clauses joined the English way"
    assert not re.search(r"[；、，元]", text), text
    assert "A newly joined organization" in panel.text
    assert "Score in detail" in panel.text, "the score labels follow the language too"
    assert "为什么推荐" not in panel.text


async def test_a_double_clicked_proposal_proposes_once_and_answers_alike(
    client: AsyncClient, session: AsyncSession, entries: dict[str, Any]
) -> None:
    need, offer = entries["needs"], entries["offers"]
    await sign_in(client, "worker")
    page = await client.get(f"/catalogue/needs/{need['id']}")
    panel_url = re.search(r'hx-get="(/matching/_suggestions/need/[^"]+)"', page.text)
    assert panel_url is not None
    panel = await client.get(panel_url.group(1).replace("&amp;", "&"))
    action = re.search(r'<form method="post" action="([^"]+)" class="propose-form"', panel.text)
    assert action is not None
    assert "?_once=" in action.group(1), "the propose form carries a one-time key"
    token = re.search(r'name="_csrf_token" value="([^"]+)"', panel.text)
    assert token is not None
    form = {
        "_csrf_token": token.group(1),
        "need_id": need["id"],
        "offer_id": offer["id"],
        "next": f"/catalogue/needs/{need['id']}",
    }
    clicks = [await client.post(action.group(1), data=form) for _ in range(2)]
    assert [click.status_code for click in clicks] == [302, 302], clicks[1].text[:300]
    assert clicks[0].headers["location"] == clicks[1].headers["location"]
    assert await session.scalar(select(func.count()).select_from(Proposal)) == 1


async def test_the_organization_declines_with_a_reason_through_the_form(
    client: AsyncClient, entries: dict[str, Any]
) -> None:
    await sign_in(client, "worker")
    await post_form(
        client,
        "/proposals/new",
        {"need_id": entries["needs"]["id"], "offer_id": entries["offers"]["id"]},
    )
    await client.post("/logout", data={"_csrf_token": await _token(client)})
    await sign_in(client, "member")
    listing = await client.get("/proposals")
    step = re.search(r'action="(/proposals/[^"]+/decline)"', listing.text)
    assert step is not None
    refused = await post_form(client, step.group(1), {"reason": ""})
    assert refused.status_code == 400
    declined = await post_form(client, step.group(1), {"reason": "人手不够"})
    assert declined.status_code == 302
    assert "人手不够" in (await client.get("/proposals")).text


async def _token(client: AsyncClient) -> str:
    page = await client.get("/proposals")
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_a_reviewer_runs_an_event_from_its_pages(
    client: AsyncClient, app: Litestar, entries: dict[str, Any]
) -> None:
    await sign_in(client, "rev")
    created = await post_form(
        client,
        "/events",
        {
            "name": "百社助千村签约活动",
            "held_on": "2026-07-01",
            "place": "镇雄县",
            "county_codes": ZHENXIONG,
        },
        token_page="/events",
    )
    event_path = created.headers["location"]
    assert event_path.startswith("/events/")
    await post_form(client, f"{event_path}/plan", {}, token_page=event_path)
    waiting = await client.get(event_path)
    assert "等待开始" in waiting.text
    assert "<progress" in waiting.text, "the bar while queued"
    assert 'hx-trigger="every 250ms"' in waiting.text, "just asked for: polled often"
    await post_form(client, f"{event_path}/plan", {}, token_page=event_path)
    assert "已在进行" in (await client.get(event_path)).text, "one plan at a time"
    polled = await client.get(f"{event_path}/plan-run?polling=true")
    assert "hx-refresh" not in polled.headers
    assert await carry_out_queued(app) is PlanRunState.DONE
    ended = await client.get(f"{event_path}/plan-run?polling=true")
    assert ended.headers["hx-refresh"] == "true", "the page reloads to show the plan"
    assert "hx-trigger" not in ended.text
    planned = await client.get(event_path)
    assert "<progress" not in planned.text
    assert entries["offers"]["title"] in planned.text
    assert "<meter" in planned.text
    preview = await client.get(f"{event_path}/confirm")
    assert "将向 1 家社会组织发出 1 个匹配提议" in preview.text, "counts before confirming"
    assert (await client.get("/proposals")).text.count("/withdraw") == 0, "nothing sent yet"
    sent = await post_form(client, f"{event_path}/confirm", {}, token_page=f"{event_path}/confirm")
    assert sent.status_code == 200  # type: ignore[attr-defined]
    assert "已发出 1 个提议，0 个被规则拒绝" in sent.text  # type: ignore[attr-defined]
    assert (await client.get("/proposals")).text.count("/withdraw") == 1
    again = await client.get(f"{event_path}/confirm")
    assert "另有 1 对此前已提议" in again.text

    listing = await client.get(f"{event_path}/signing-list")
    assert "签约清单" in listing.text
    assert entries["offers"]["title"] in listing.text
    assert 'class="signing-county"' in listing.text
    stylesheet = await client.get("/static/css/app.css")
    assert "@page { size: A4" in stylesheet.text, "the list prints on A4"
    download = await client.get(f"{event_path}/signing-list.xlsx")
    assert download.headers["content-type"].startswith(XLSX_TYPE)
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("县（市、区）", "社会组织", "村（社区）")
    assert rows[2][0] == "镇雄县"
    assert rows[2][3] == entries["needs"]["title"]
    assert "人天" in rows[2][5], "the amounts committed"
    assert rows[2][6], "why"
    bad = await post_form(client, "/events", {"name": "x"}, token_page="/events")
    assert bad.status_code == 400


async def test_the_workbench_shows_what_needs_attention(
    client: AsyncClient, entries: dict[str, Any]
) -> None:
    await sign_in(client, "member")
    assert (await client.get("/workbench")).status_code == 403
    await client.post("/logout", data={"_csrf_token": await _token(client)})
    await sign_in(client, "rev")
    bench = await client.get("/workbench")
    assert bench.status_code == 200
    assert entries["needs"]["title"] in bench.text, "a red need nobody has paired"
    assert entries["offers"]["title"] in bench.text, "capacity left"
    assert "镇雄县" in bench.text, "no county has a pairing yet"


async def test_a_pledge_of_funds_for_goods_without_a_value_is_asked_in_yuan(
    client: AsyncClient, entries: dict[str, Any], clock: FakeClock
) -> None:
    """Funds suggested for 6 台 of heaters with no value: the panel asks how many 元, and the
    proposal shows the pledge while the heaters stay open."""
    worker, member, reviewer = [await bearer(client, n) for n in ("worker", "member", "rev")]
    published = []
    for kind, owner, body in (
        (
            "needs",
            worker,
            need_body(
                clock,
                title="以勒村儿童之家冬季取暖",
                lines=[{"kind": "goods", "amount": "6", "unit": "台", "item": "电暖器"}],
            ),
        ),
        ("offers", member, offer_body(clock, lines=[{"kind": "funds", "amount": "20000"}])),
    ):
        entry = (await client.post(f"/api/v1/{kind}", json=body, headers=owner)).json()
        await client.post(f"/api/v1/{kind}/{entry['id']}/submit", headers=owner)
        await client.post(f"/api/v1/{kind}/{entry['id']}/approve", headers=reviewer)
        published.append(entry)
    need, offer = published
    [line] = need["lines"]
    await sign_in(client, "worker")
    panel = await client.get(f"/matching/_suggestions/need/{need['id']}")
    assert f'name="amounts.{line["id"]}"' in panel.text
    pair = {"need_id": need["id"], "offer_id": offer["id"]}
    unsaid = await post_form(client, "/proposals/new", pair)
    assert unsaid.status_code == 400
    proposed = await post_form(client, "/proposals/new", pair | {f"amounts.{line['id']}": "8000"})
    assert proposed.status_code == 302
    listing = await client.get("/proposals")
    assert "8,000 元" in listing.text
    assert "以资金认捐" in listing.text
