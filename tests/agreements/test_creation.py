"""Agreements made from accepted pairings and entered from paper: numbers, recipients, lines
and amounts carried over and held, and the refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Station
from core.audit import AuditEntry
from demand.models import NeedLine
from matching.models import Proposal, ProposalState
from supply.models import Offer, OfferLine
from tests.agreements.flow import AGREEMENTS, accepted, make_agreement, terms
from tests.conftest import FakeClock
from tests.factories import (
    YILE_TOWNSHIP,
    YILE_VILLAGE,
    bearer,
    make_organization,
    make_user,
    need_body,
    offer_body,
)
from tests.matching.parties import Parties

YILE_VILLAGE_NAME = "镇雄县/以勒镇/以勒村"


async def committed(session: AsyncSession, proposal: dict[str, Any]) -> tuple[Decimal, ...]:
    line = proposal["lines"][0]
    need_line = await session.get(NeedLine, UUID(line["need_line_id"]), populate_existing=True)
    offer_line = await session.get(OfferLine, UUID(line["offer_line_id"]), populate_existing=True)
    offer = await session.get(Offer, UUID(proposal["offer_id"]), populate_existing=True)
    assert need_line is not None
    assert offer_line is not None
    assert offer is not None
    return need_line.committed, offer_line.committed, Decimal(offer.capacity_used)


async def test_an_agreement_from_an_accepted_pairing_carries_its_lines_and_holds_them(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    before = await committed(session, proposal)
    created = await make_agreement(parties, proposal)
    assert created.status_code == 201, created.text
    agreement = created.json()
    assert agreement["number"] == "ZT-2026-0001"
    assert agreement["state"] == "draft"
    assert agreement["proposal_ids"] == [proposal["id"]]
    assert agreement["organization_name"] == "昭通市光明公益协会"
    assert agreement["recipient_kind"] == "village"
    assert agreement["recipient_name"] == YILE_VILLAGE_NAME
    assert agreement["category"] == "special_groups"
    assert agreement["programme_name"] == "公益兴昭"
    assert [
        (line["kind"], line["amount"], line["covers"], line["need_line_id"])
        for line in agreement["lines"]
    ] == [("person_days", "40.00", "40.00", proposal["lines"][0]["need_line_id"])]
    assert agreement["indicators"][0]["frequency"] == "quarterly", "a year-long project"
    assert agreement["private"]["recipient_contact"] == {"name": "张社工", "phone": "13800000002"}
    assert before == (Decimal(40), Decimal(40), Decimal(1))
    assert await committed(session, proposal) == before, "held, neither released nor doubled"
    stored = await session.get(Proposal, UUID(proposal["id"]), populate_existing=True)
    assert stored is not None
    assert stored.state is ProposalState.ACCEPTED, "converted only when signed"
    actions = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == agreement["id"])
    )
    assert list(actions) == ["agreement.created"]


async def test_numbers_follow_each_other_within_the_year(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    first = await make_agreement(parties, proposal)
    need = await parties.publish("needs", need_body(clock, title="以勒村儿童之家图书角"))
    offer = await parties.publish("offers", offer_body(clock, title="儿童读物捐赠与阅读陪伴"))
    second = await make_agreement(parties, await accepted(parties, need, offer), who="worker")
    assert [first.json()["number"], second.json()["number"]] == ["ZT-2026-0001", "ZT-2026-0002"]


async def test_a_short_project_reports_once_at_the_end_unless_told(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    indicators = [
        {"name": "受益儿童", "unit": "人", "target": "43"},
        {"name": "活动场次", "unit": "场", "target": "12", "frequency": "monthly"},
    ]
    created = await make_agreement(
        parties, proposal, period_end="2026-09-30", indicators=indicators
    )
    assert [i["frequency"] for i in created.json()["indicators"]] == ["at_end", "monthly"]


async def test_only_accepted_pairings_of_one_side_make_an_agreement(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, session: AsyncSession
) -> None:
    need = await parties.publish("needs", need_body(clock, title="以勒村留守儿童心理辅导"))
    offer = await parties.publish("offers", offer_body(clock, title="心理辅导志愿服务"))
    open_one = (await parties.propose("member", need, offer)).json()
    refused = await make_agreement(parties, open_one)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "proposals_not_agreeable"

    assert (await make_agreement(parties, proposal)).status_code == 201
    again = await make_agreement(parties, proposal, who="worker")
    assert again.status_code == 409, "a pairing goes into one agreement"

    unknown = await parties.client.post(
        AGREEMENTS,
        json=terms(proposal_ids=["01900000-0000-7000-8000-000000000000"]),
        headers=parties.headers["member"],
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "proposal_ids"


async def test_strangers_make_no_agreement_of_others_pairings(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    for who in ("outsider", "stranger"):
        refused = await make_agreement(parties, proposal, who=who)
        assert refused.status_code == 403, (who, refused.text)


async def test_bad_terms_are_refused_by_field(parties: Parties, proposal: dict[str, Any]) -> None:
    for changes, field in (
        ({"programme": "no_such"}, "programme"),
        ({"period_end": "2026-01-01"}, "period_end"),
        ({"title": ""}, "title"),
    ):
        refused = await make_agreement(parties, proposal, **changes)
        assert refused.status_code == 400, (changes, refused.text)
        assert refused.json()["code"] == "invalid_input"
        assert field in str(refused.json()["errors"]), refused.text


async def test_a_reviewer_enters_an_agreement_signed_on_paper(
    parties: Parties, session: AsyncSession
) -> None:
    organization = await make_organization(session, "上海浦东新区东西部协作促进会")
    body = terms(
        organization_id=str(organization.id),
        category="industry",
        region_code="530627000000",
        lines=[
            {"kind": "funds", "amount": "1,190,000"},
            {"kind": "goods", "amount": "200", "unit": "套", "item": "校服"},
        ],
    )
    created = await parties.client.post(
        f"{AGREEMENTS}/paper", json=body, headers=parties.headers["rev"]
    )
    assert created.status_code == 201, created.text
    agreement = created.json()
    assert (agreement["recipient_kind"], agreement["county_code"]) == ("county", "530627000000")
    assert [(line["amount"], line["unit"]) for line in agreement["lines"]] == [
        ("1190000.00", "元"),
        ("200.00", "套"),
    ]
    member = await parties.client.post(
        f"{AGREEMENTS}/paper", json=body, headers=parties.headers["member"]
    )
    assert member.status_code == 403


async def test_a_paper_agreement_to_a_village_takes_its_station_contact_unless_one_is_named(
    parties: Parties, session: AsyncSession
) -> None:
    station = await session.scalar(select(Station).where(Station.township_code == YILE_TOWNSHIP))
    assert station is not None
    station.contact_name, station.contact_phone = "王站长", "0870-5123456"
    await session.commit()
    organization = await make_organization(session, "昭通市乡村振兴促进会")
    body = terms(
        organization_id=str(organization.id),
        category="special_groups",
        region_code=YILE_VILLAGE,
        lines=[{"kind": "funds", "amount": "5000"}],
    )
    del body["recipient_contact"]
    headers = parties.headers["rev"]
    defaulted = await parties.client.post(f"{AGREEMENTS}/paper", json=body, headers=headers)
    assert defaulted.status_code == 201, defaulted.text
    assert defaulted.json()["private"]["recipient_contact"] == {
        "name": "王站长",
        "phone": "0870-5123456",
    }
    named = await parties.client.post(
        f"{AGREEMENTS}/paper",
        json={**body, "recipient_contact": {"name": "张社工", "phone": "13800000002"}},
        headers=headers,
    )
    assert named.json()["private"]["recipient_contact"]["name"] == "张社工"
    county = await parties.client.post(
        f"{AGREEMENTS}/paper", json={**body, "region_code": "530627000000"}, headers=headers
    )
    assert county.json()["private"]["recipient_contact"] == {"name": "", "phone": ""}


async def test_a_paper_agreement_names_one_recipient(
    parties: Parties, session: AsyncSession
) -> None:
    organization = await make_organization(session, "昭通市乡村振兴促进会")
    await make_user(session, Role.REVIEWER, username="industry_rev")
    body = terms(
        organization_id=str(organization.id),
        category="industry",
        lines=[{"kind": "funds", "amount": "5000"}],
    )
    headers = await bearer(parties.client, "industry_rev")
    refused = await parties.client.post(f"{AGREEMENTS}/paper", json=body, headers=headers)
    assert refused.status_code == 400, refused.text
