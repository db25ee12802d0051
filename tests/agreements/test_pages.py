"""Agreement pages as people use them: the list and its export follow the policy, each role
sees the steps it may take and takes them with forms, the to-do page puts what awaits the
visitor first, and a signing event's page gathers its agreements."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Origin
from core.downloads import XLSX_TYPE
from matching.models import SigningEvent
from tests.agreements.flow import AGREEMENTS, make_agreement, signed, step, terms
from tests.factories import make_organization, post_form, sign_in
from tests.matching.parties import Parties

ZHENXIONG = "530627000000"
CHANGFENG_VILLAGE = "530602001001"
"""A village of 昭阳区, outside the member's and the worker's reach."""


@pytest.fixture
async def event(session: AsyncSession) -> SigningEvent:
    held = SigningEvent(
        name="百社助千村签约活动",
        held_on=date(2026, 6, 1),
        place="昭通市民政局",
        county_codes=[ZHENXIONG, "530602000000"],
        uncovered={},
        pairs=[],
    )
    session.add(held)
    await session.flush()
    return held


@pytest.fixture
async def agreements(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession, event: SigningEvent
) -> dict[str, Any]:
    """One signed agreement of the member with the worker's village, made at the event, and a
    draft entered from paper for another (national) organization with a village of 昭阳区."""
    created = await make_agreement(parties, proposal, event_id=str(event.id))
    first = await step(parties, "member", created.json(), "confirm")
    ours = (await step(parties, "worker", first.json(), "confirm")).json()
    assert ours["state"] == "signed"
    other = await make_organization(session, "中华儿童关爱基金会昭通联络处")
    other.origin = Origin.NATIONAL
    await session.flush()
    paper = await parties.client.post(
        f"{AGREEMENTS}/paper",
        json=terms(
            title="长凤村儿童之家建设帮扶协议",
            organization_id=str(other.id),
            category="special_groups",
            region_code=CHANGFENG_VILLAGE,
            event_id=str(event.id),
            organization_contact={"name": "赵主任", "phone": "13900000009"},
            lines=[{"kind": "funds", "amount": "100010000"}],
        ),
        headers=parties.headers["rev"],
    )
    assert paper.status_code == 201, paper.text
    return {"ours": ours, "draft": paper.json(), "other": other}


async def test_the_list_shows_each_reader_what_the_policy_lets_them_read(
    client: AsyncClient, agreements: dict[str, Any]
) -> None:
    ours, draft = agreements["ours"], agreements["draft"]
    anonymous = await client.get("/agreements")
    assert anonymous.status_code == 200
    assert ours["number"] in anonymous.text
    assert draft["number"] not in anonymous.text, "a draft of others is not public"
    assert "13800000001" not in anonymous.text, "no responsible persons for the public"
    await sign_in(client, "member")
    member = await client.get("/agreements")
    assert ours["number"] in member.text
    assert draft["number"] not in member.text, "another organization's draft"
    await sign_in(client, "rev")
    reviewer = await client.get("/agreements")
    assert ours["number"] in reviewer.text
    assert draft["number"] in reviewer.text
    only_drafts = await client.get("/agreements", params={"state": "draft"})
    assert draft["number"] in only_drafts.text
    assert ours["number"] not in only_drafts.text
    national = await client.get("/agreements", params={"origin": "national"})
    assert draft["number"] in national.text
    assert ours["number"] not in national.text
    by_organization = await client.get(
        "/agreements", params={"organization": ours["organization_id"], "year": "2026"}
    )
    assert ours["number"] in by_organization.text
    assert draft["number"] not in by_organization.text
    county = await client.get("/agreements", params={"county": ZHENXIONG})
    assert ours["number"] in county.text
    assert draft["number"] not in county.text
    assert "中华儿童关爱基金会昭通联络处" in reviewer.text, "offered as a filter"
    refused = await client.get("/agreements", params={"state": "lost"})
    assert refused.status_code == 400


async def _export(client: AsyncClient, **params: str) -> list[tuple[Any, ...]]:
    response = await client.get("/agreements.xlsx", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XLSX_TYPE)
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


async def test_the_export_has_the_rows_and_people_the_reader_may_see(
    client: AsyncClient, agreements: dict[str, Any]
) -> None:
    ours, draft = agreements["ours"], agreements["draft"]
    public = await _export(client)
    assert [row[0] for row in public] == [ours["number"]]
    assert "13800000001" not in str(public), "no responsible persons for the public"
    await sign_in(client, "member")
    member = await _export(client)
    assert [row[0] for row in member] == [ours["number"]]
    assert "周老师 13800000001" in str(member[0][13])
    await sign_in(client, "rev")
    reviewer = await _export(client)
    assert {row[0] for row in reviewer} == {ours["number"], draft["number"]}
    only_national = await _export(client, origin="national")
    assert [(row[0], row[11]) for row in only_national] == [(draft["number"], 100010000)]


async def _steps(client: AsyncClient, agreement: dict[str, Any]) -> set[str]:
    page = await client.get(f"/agreements/{agreement['id']}")
    assert page.status_code == 200, page.text[:300]
    return set(re.findall(rf'action="/agreements/{agreement["id"]}/([a-z-]+)[?\"]', page.text))


async def test_each_role_sees_the_steps_it_may_take_and_takes_them_with_forms(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any]
) -> None:
    created = await make_agreement(parties, proposal)
    draft = created.json()
    assert (await client.get(f"/agreements/{draft['id']}")).status_code == 404, "a draft"
    await sign_in(client, "stranger")
    assert (await client.get(f"/agreements/{draft['id']}")).status_code == 404
    await sign_in(client, "rev")
    assert await _steps(client, draft) == {"sign-on-paper", "terminate", "documents", "indicators"}
    await sign_in(client, "worker")
    assert await _steps(client, draft) == {"confirm", "terminate", "documents", "indicators"}
    page = await client.get(f"/agreements/{draft['id']}")
    assert "张社工" in page.text, "the responsible persons, for a party"
    assert "受益儿童" in page.text
    await sign_in(client, "member")
    assert await _steps(client, draft) == {"confirm", "terminate", "documents", "indicators"}
    signed_by_member = await post_form(
        client, f"/agreements/{draft['id']}/confirm", {"version": draft["version"]}
    )
    assert signed_by_member.status_code in (302, 303)  # type: ignore[attr-defined]
    assert await _steps(client, draft) == {"terminate", "documents", "indicators"}, (
        "signed its side; targets are still agreed until both have signed"
    )
    await sign_in(client, "worker")
    stale = await post_form(
        client, f"/agreements/{draft['id']}/confirm", {"version": draft["version"]}
    )
    assert stale.status_code == 409, "the page was stale"  # type: ignore[attr-defined]
    read = await client.get(f"{AGREEMENTS}/{draft['id']}", headers=parties.headers["worker"])
    current = read.json()
    done = await post_form(
        client, f"/agreements/{draft['id']}/confirm", {"version": current["version"]}
    )
    assert done.status_code in (302, 303)  # type: ignore[attr-defined]
    now = (await client.get(f"{AGREEMENTS}/{draft['id']}", headers=parties.headers["rev"])).json()
    assert now["state"] == "signed"
    assert await _steps(client, now) == {"start", "documents"}
    history = (await client.get(f"/agreements/{draft['id']}")).text
    assert history.count("在平台上签署") >= 2, "both signatures in the history"
    client.cookies.clear()
    public = await client.get(f"/agreements/{draft['id']}")
    assert public.status_code == 200, "signed agreements are public"
    assert "张社工" not in public.text
    assert "13800000002" not in public.text
    assert await _steps(client, now) == set()


async def test_a_party_uploads_a_document_from_the_page(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any]
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    await sign_in(client, "member")
    page = await client.get(f"/agreements/{draft['id']}")
    action = re.search(r'action="(/agreements/[^"]+/documents\?[^"]+)"', page.text)
    assert action is not None, "an upload form with its one-time key"
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    uploaded = await client.post(
        action.group(1).replace("&amp;", "&"),
        data={"kind": "signed_scan", "_csrf_token": token.group(1)},
        files={"file": ("协议扫描件.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert uploaded.status_code in (302, 303), uploaded.text[:300]
    listed = await client.get(f"/agreements/{draft['id']}")
    link = re.search(r'href="(/agreements/[^"]+/documents/[^"]+)">协议扫描件', listed.text)
    assert link is not None
    download = await client.get(link.group(1))
    assert download.content == b"%PDF-1.4\n%%EOF\n", download.text
    await sign_in(client, "stranger")
    assert (await client.get(link.group(1))).status_code == 404


async def test_the_print_view_renders_every_field(
    client: AsyncClient, agreements: dict[str, Any]
) -> None:
    draft = agreements["draft"]
    assert (await client.get(f"/agreements/{draft['id']}/print")).status_code in (302, 303, 401)
    await sign_in(client, "rev")
    page = await client.get(f"/agreements/{draft['id']}/print")
    assert page.status_code == 200
    text = page.text
    for shown in (
        "帮扶协议",
        draft["number"],
        "中华儿童关爱基金会昭通联络处",
        "昭阳区/",
        "¥100,010,000.00",
        "人民币壹亿零壹万元整",
        "受益儿童",
        "43",
        "季度",
        "2026 年 6 月 15 日",
        "2027 年 6 月 14 日",
        "赵主任",
        "13900000009",
        "张社工",
        "李会长",
        "王站长",
        "甲方（盖章）",
        "乙方（盖章）",
        "data-print",
        "agreement-print.css",
    ):
        assert shown in text, shown
    await sign_in(client, "member")
    assert (await client.get(f"/agreements/{draft['id']}/print")).status_code == 404


async def test_the_event_section_counts_agreements_origins_coverage_and_the_funnel(
    client: AsyncClient, agreements: dict[str, Any], event: SigningEvent, parties: Parties
) -> None:
    await sign_in(client, "rev")
    page = await client.get(f"/events/{event.id}")
    assert f'hx-get="/agreements/by-event/{event.id}"' in page.text
    section = (await client.get(f"/agreements/by-event/{event.id}")).text
    assert agreements["ours"]["number"] in section
    assert agreements["draft"]["number"] in section, "the draft too, for a reviewer"
    figures = re.findall(r'class="stat-value">(\d+)<', section)
    assert figures == ["0", "0", "0", "1"], "planned, proposed, accepted, signed"
    assert "2 个中的 1 个" in section, "one county of two reached"
    assert "本地 1" in section
    assert "全国性 0" in section, "the draft is not counted"
    await sign_in(client, "member")
    assert (await client.get(f"/agreements/by-event/{event.id}")).status_code == 403


async def test_the_to_do_page_lists_my_agreements_awaiting_me_first(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any]
) -> None:
    ours = await signed(parties, proposal)
    started = await step(parties, "member", ours, "start")
    assert started.status_code == 200, started.text
    await sign_in(client, "worker")
    page = await client.get("/proposals")
    assert 'hx-get="/agreements/mine"' in page.text
    mine = (await client.get("/agreements/mine")).text
    assert ours["number"] in mine
    assert "等待您：确认完成" in mine
    await sign_in(client, "outsider")
    assert ours["number"] not in (await client.get("/agreements/mine")).text
    await sign_in(client, "member")
    assert "等待您" not in (await client.get("/agreements/mine")).text, "nothing for them now"
