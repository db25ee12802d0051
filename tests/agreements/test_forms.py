"""Agreements made in the browser: from accepted pairings by their parties, from paper by a
reviewer, and indicator targets added to a draft. Each form makes what the API makes; those
the policy does not let make it are refused; a form with problems comes back with them in
Chinese and nothing is made."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement, Indicator
from tests.agreements.flow import AGREEMENTS, accepted, make_agreement, signed
from tests.conftest import FakeClock
from tests.factories import csrf_token, need_body, offer_body, sign_in
from tests.matching.parties import Parties

CHANGFENG_VILLAGE = "530602001001"
TERMS = {
    "title": "以勒村留守儿童暑期托管帮扶协议",
    "programme": "public_welfare",
    "period_start": "2026-06-15",
    "period_end": "2027-06-14",
    "organization_signatory": "李会长",
    "recipient_signatory": "王站长",
    "organization_contact.name": "周老师",
    "organization_contact.phone": "13800000001",
    "recipient_contact.name": "张社工",
    "recipient_contact.phone": "0870-2222222",
    "indicators.0.name": "受益儿童",
    "indicators.0.unit": "人",
    "indicators.0.baseline": "0",
    "indicators.0.target": "43",
}


async def _form(client: AsyncClient, path: str) -> tuple[str, str, str]:
    """The form page's text, its action (with the one-time key) and its CSRF token."""
    page = await client.get(path)
    assert page.status_code == 200, page.text[:500]
    action = re.search(r'<form method="post" action="([^"]+)" class="entry-form"', page.text)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert action is not None, "a form with its one-time key"
    assert token is not None
    return page.text, action.group(1).replace("&amp;", "&"), token.group(1)


async def _submit(client: AsyncClient, path: str, fields: dict[str, Any]) -> Response:
    _text, action, token = await _form(client, path)
    return await client.post(action, data={**fields, "_csrf_token": token})


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Agreement)) or 0


async def _read(parties: Parties, answer: Response) -> dict[str, Any]:
    """The agreement a form made, as the API reads it."""
    assert answer.status_code in (302, 303), answer.text[:2000]
    found = re.fullmatch(r"/agreements/([0-9a-f-]{36})", answer.headers["location"])
    assert found is not None, answer.headers["location"]
    read = await parties.client.get(
        f"{AGREEMENTS}/{found.group(1)}", headers=parties.headers["rev"]
    )
    assert read.status_code == 200, read.text
    return read.json()


def _as_the_api_makes_it(agreement: dict[str, Any]) -> None:
    assert agreement["state"] == "draft"
    assert agreement["title"] == TERMS["title"]
    assert agreement["programme_name"] == "公益兴昭"
    assert (agreement["period_start"], agreement["period_end"]) == ("2026-06-15", "2027-06-14")
    assert agreement["private"] == {
        "organization_signatory": "李会长",
        "recipient_signatory": "王站长",
        "organization_contact": {"name": "周老师", "phone": "13800000001"},
        "recipient_contact": {"name": "张社工", "phone": "0870-2222222"},
    }
    assert [
        (each["name"], each["unit"], each["baseline"], each["target"], each["frequency"])
        for each in agreement["indicators"]
    ] == [("受益儿童", "人", "0.00", "43.00", "quarterly")]


async def test_a_member_drafts_an_agreement_from_an_accepted_pairing(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any]
) -> None:
    await sign_in(client, "member")
    proposals = await client.get("/proposals")
    link = f"/agreements/new?proposal={proposal['id']}"
    assert f'href="{link}"' in proposals.text, "起草协议 on the accepted pairing"
    listing = await client.get("/agreements")
    assert 'href="/agreements/new"' in listing.text
    assert "新建协议" in listing.text
    chooser = await client.get("/agreements/new")
    assert f'href="{link}"' in chooser.text, "the pairings to choose from"
    text, _action, _token = await _form(client, link)
    assert f'value="{proposal["id"]}" checked' in text
    made = await _submit(
        client, link, {**TERMS, "proposal": proposal["id"], "proposal_ids": proposal["id"]}
    )
    agreement = await _read(parties, made)
    _as_the_api_makes_it(agreement)
    assert agreement["proposal_ids"] == [proposal["id"]]
    assert agreement["organization_name"] == "昭通市光明公益协会"
    assert agreement["recipient_name"] == "镇雄县/以勒镇/以勒村"
    assert agreement["category"] == "special_groups", "the pairing's category by default"
    assert [(line["kind"], line["amount"]) for line in agreement["lines"]] == [
        ("person_days", "40.00")
    ]
    page = await client.get(made.headers["location"])
    assert "协议已起草" in page.text, "the flash"
    again = await client.get("/agreements/new")
    assert f'href="{link}"' not in again.text, "a pairing already in an agreement is not offered"


async def test_accepted_pairings_of_one_recipient_go_into_one_agreement(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    need = await parties.publish("needs", need_body(clock, title="以勒村儿童之家图书角"))
    offer = await parties.publish("offers", offer_body(clock, title="儿童读物捐赠与阅读陪伴"))
    second = await accepted(parties, need, offer)
    await sign_in(client, "worker")
    link = f"/agreements/new?proposal={proposal['id']}"
    text, _action, _token = await _form(client, link)
    assert f'value="{second["id"]}"' in text, "offered beside the first"
    made = await _submit(
        client,
        link,
        {**TERMS, "proposal": proposal["id"], "proposal_ids": [proposal["id"], second["id"]]},
    )
    agreement = await _read(parties, made)
    assert sorted(agreement["proposal_ids"]) == sorted([proposal["id"], second["id"]])
    assert len(agreement["lines"]) == len(proposal["lines"]) + len(second["lines"])


async def test_those_who_may_not_make_the_agreement_are_refused(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    link = f"/agreements/new?proposal={proposal['id']}"
    assert (await client.get(link)).status_code in (302, 303, 401), "signed in only"
    await sign_in(client, "member")
    _text, action, _token = await _form(client, link)
    for who in ("stranger", "outsider"):
        await sign_in(client, who)
        assert (await client.get(link)).status_code == 404, who
        posted = await client.post(
            action,
            data={**TERMS, "proposal_ids": proposal["id"], "_csrf_token": await csrf_token(client)},
        )
        assert posted.status_code == 403, who
    assert (await client.get("/agreements/paper/new")).status_code == 403, "reviewers only"
    assert await _count(session) == 0


async def test_bad_input_shows_the_form_again_and_makes_nothing(
    client: AsyncClient,
    parties: Parties,
    proposal: dict[str, Any],
    session: AsyncSession,
    clock: FakeClock,
) -> None:
    await sign_in(client, "member")
    link = f"/agreements/new?proposal={proposal['id']}"
    chosen = {"proposal": proposal["id"], "proposal_ids": proposal["id"]}
    cases = [
        ({"title": ""}, "此项为必填项。"),
        ({"period_end": "2026-06-01"}, "结束日期不能早于开始日期。"),
        ({"indicators.0.target": "-5"}, "不能小于 0。"),
        ({"recipient_contact.phone": "打电话给村委"}, "请填写 7 至 15 位数字的电话号码"),
        ({"proposal_ids": []}, "请至少选择一项已达成的匹配。"),
    ]
    for change, message in cases:
        answer = await _submit(client, link, {**TERMS, **chosen, **change})
        assert answer.status_code == 400, change
        assert message in answer.text, change
        assert "以勒村留守儿童" in answer.text or change == {"title": ""}, "what was typed"
    offered = await parties.publish("offers", offer_body(clock, title="留守儿童心理陪伴"))
    need = await parties.publish("needs", need_body(clock, title="以勒村留守儿童心理关爱"))
    unanswered = await parties.propose("member", need, offered)
    assert unanswered.status_code == 201, unanswered.text
    not_accepted = await _submit(
        client, link, {**TERMS, **chosen, "proposal_ids": [proposal["id"], unanswered.json()["id"]]}
    )
    assert not_accepted.status_code == 409
    assert "只能用双方已同意的匹配拟定协议。" in not_accepted.text
    others = await _accepted_of_another_organization(parties, clock)
    mixed = {**TERMS, **chosen, "proposal_ids": [proposal["id"], others["id"]]}
    refused = await _submit(client, link, mixed)
    assert refused.status_code == 403, "another organization's pairing is not the member's"
    await sign_in(client, "rev")
    answer = await _submit(client, link, mixed)
    assert answer.status_code == 400
    assert "一份协议只能与一个社会组织签订。" in answer.text
    assert await _count(session) == 0


async def _accepted_of_another_organization(parties: Parties, clock: FakeClock) -> dict:
    """The outsider's organization's offer, paired with the worker's need and accepted."""
    outsider = parties.headers["outsider"]
    created = await parties.client.post(
        "/api/v1/offers", json=offer_body(clock, title="乡村少年足球训练营"), headers=outsider
    )
    assert created.status_code == 201, created.text
    offer = created.json()
    await parties.client.post(f"/api/v1/offers/{offer['id']}/submit", headers=outsider)
    approved = await parties.client.post(
        f"/api/v1/offers/{offer['id']}/approve", headers=parties.headers["rev"]
    )
    assert approved.status_code == 200, approved.text
    need = await parties.publish("needs", need_body(clock, title="以勒村少年足球"))
    proposed = await parties.propose("outsider", need, approved.json())
    assert proposed.status_code == 201, proposed.text
    answer = await parties.step("worker", proposed.json(), "accept")
    assert answer.status_code == 200, answer.text
    return answer.json()


PAPER = {
    **TERMS,
    "title": "长凤村儿童之家建设帮扶协议",
    "category": "special_groups",
    "region_code": CHANGFENG_VILLAGE,
    "lines.0.kind": "funds",
    "lines.0.amount": "100000",
    "lines.1.kind": "goods",
    "lines.1.amount": "200",
    "lines.1.item": "儿童图书",
    "lines.1.unit": "册",
}


async def test_a_reviewer_enters_an_agreement_signed_on_paper(
    client: AsyncClient, parties: Parties, session: AsyncSession
) -> None:
    await sign_in(client, "rev")
    text, _action, _token = await _form(client, "/agreements/paper/new")
    found = re.search(r'<option value="([0-9a-f-]{36})"\s*>昭通市光明公益协会</option>', text)
    assert found is not None, "the verified organizations to choose from"
    organization = {"organization_id": found.group(1)}
    missing_lines = {key: value for key, value in PAPER.items() if not key.startswith("lines.")}
    refused = await _submit(client, "/agreements/paper/new", {**missing_lines, **organization})
    assert refused.status_code == 400
    assert "请至少填写一项并注明数量。" in refused.text
    no_recipient = {key: value for key, value in PAPER.items() if key != "region_code"}
    refused = await _submit(client, "/agreements/paper/new", {**no_recipient, **organization})
    assert refused.status_code == 400
    assert await _count(session) == 0
    made = await _submit(client, "/agreements/paper/new", {**PAPER, **organization})
    agreement = await _read(parties, made)
    assert agreement["title"] == "长凤村儿童之家建设帮扶协议"
    assert agreement["organization_name"] == "昭通市光明公益协会"
    assert agreement["recipient_kind"] == "village"
    assert agreement["recipient_region_code"] == CHANGFENG_VILLAGE
    assert agreement["proposal_ids"] == []
    assert [
        (line["kind"], line["amount"], line["item"], line["unit"]) for line in agreement["lines"]
    ] == [("funds", "100000.00", "", "元"), ("goods", "200.00", "儿童图书", "册")]
    assert agreement["private"]["recipient_contact"] == {"name": "张社工", "phone": "0870-2222222"}


async def test_a_party_adds_an_indicator_target_to_a_draft_from_its_page(
    client: AsyncClient,
    parties: Parties,
    proposal: dict[str, Any],
    session: AsyncSession,
    clock: FakeClock,
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    path = f"/agreements/{draft['id']}"
    await sign_in(client, "worker")
    page = await client.get(path)
    action = re.search(r'action="(/agreements/[^"]+/indicators\?_once=[^"]+)"', page.text)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert action is not None, "the form under the indicators"
    assert token is not None
    bad = await client.post(
        action.group(1),
        data={"name": "入托儿童", "target": "-1", "_csrf_token": token.group(1)},
    )
    assert bad.status_code == 400
    assert "不能小于 0。" in bad.text
    assert "入托儿童" in bad.text
    added = await client.post(
        action.group(1),
        data={"name": "入托儿童", "unit": "人", "target": "30", "_csrf_token": token.group(1)},
    )
    assert added.status_code in (302, 303), added.text[:500]
    indicators = list(await session.scalars(select(Indicator.name).order_by(Indicator.position)))
    assert indicators == ["受益儿童", "入托儿童"]
    await sign_in(client, "stranger")
    assert "入托儿童" not in (await client.get(path)).text
    refused = await client.post(
        f"{path}/indicators",
        data={"name": "x", "target": "1", "_csrf_token": await csrf_token(client)},
    )
    assert refused.status_code == 404
    need = await parties.publish("needs", need_body(clock, title="以勒村儿童之家图书角"))
    offer = await parties.publish("offers", offer_body(clock, title="儿童读物捐赠与阅读陪伴"))
    ours = await signed(parties, await accepted(parties, need, offer))
    await sign_in(client, "member")
    assert "/indicators?_once=" not in (await client.get(f"/agreements/{ours['id']}")).text, (
        "targets are set before signing"
    )
