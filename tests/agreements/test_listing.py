"""Who sees which agreements and how much of them: parties their own in every state, staff all,
the public signed ones without the people in them; the list's filters."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.agreements.flow import AGREEMENTS, make_agreement, signed
from tests.factories import bearer, make_user
from tests.matching.parties import Parties


async def numbers(
    client: AsyncClient, headers: dict[str, str] | None = None, **filters: str
) -> list[str]:
    answer = await client.get(AGREEMENTS, params=filters, headers=headers or {})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["items"])
    return [item["number"] for item in body["items"]]


async def test_drafts_are_for_the_parties_and_staff(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    await make_user(session, Role.VIEWER, username="leader")
    viewer = await bearer(parties.client, "leader")
    for who in ("member", "worker", "rev"):
        assert await numbers(parties.client, parties.headers[who]) == ["ZT-2026-0001"], who
    assert await numbers(parties.client, viewer) == ["ZT-2026-0001"]
    for who in ("outsider", "stranger"):
        assert await numbers(parties.client, parties.headers[who]) == [], who
        hidden = await parties.client.get(
            f"{AGREEMENTS}/{draft['id']}", headers=parties.headers[who]
        )
        assert hidden.status_code == 404, who
    assert await numbers(parties.client) == []
    assert (await parties.client.get(f"{AGREEMENTS}/{draft['id']}")).status_code == 404


async def test_the_public_reads_signed_agreements_without_the_people(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = await signed(parties, proposal)
    public = await parties.client.get(f"{AGREEMENTS}/{agreement['id']}")
    assert public.status_code == 200
    assert public.json()["private"] is None
    assert public.json()["steps"] == []
    text = public.text
    for private in ("周老师", "13800000001", "张社工", "13800000002", "李会长", "王站长"):
        assert private not in text, private
    assert public.json()["lines"][0]["amount"] == "40.00"
    outsider = await parties.client.get(
        f"{AGREEMENTS}/{agreement['id']}", headers=parties.headers["outsider"]
    )
    assert outsider.json()["private"] is None
    party = await parties.client.get(
        f"{AGREEMENTS}/{agreement['id']}", headers=parties.headers["worker"]
    )
    assert party.json()["private"]["organization_contact"]["phone"] == "13800000001"
    assert await numbers(parties.client) == ["ZT-2026-0001"]


async def test_the_filters_narrow_the_list(parties: Parties, proposal: dict[str, Any]) -> None:
    agreement = await signed(parties, proposal)
    staff = parties.headers["rev"]
    matching = {
        "county": "530627000000",
        "category": "special_groups",
        "programme": "public_welfare",
        "organization": agreement["organization_id"],
        "origin": "local",
        "state": "signed",
        "year": "2026",
    }
    others = {
        "county": "530602000000",
        "category": "industry",
        "programme": "talent",
        "organization": "01900000-0000-7000-8000-000000000000",
        "origin": "national",
        "state": "completed",
        "year": "2025",
        "event": "01900000-0000-7000-8000-000000000000",
    }
    assert await numbers(parties.client, staff, **matching) == ["ZT-2026-0001"]
    for name, value in others.items():
        assert await numbers(parties.client, staff, **{name: value}) == [], name
    bad = await parties.client.get(AGREEMENTS, params={"state": "lost"}, headers=staff)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "state"


async def test_an_agreement_signed_at_an_event_is_listed_with_it(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    event = await parties.client.post(
        "/api/v1/events",
        json={
            "name": "百社助千村签约活动",
            "held_on": "2026-06-20",
            "county_codes": ["530627000000"],
        },
        headers=parties.headers["rev"],
    )
    assert event.status_code == 201, event.text
    event_id = event.json()["id"]
    unknown = await make_agreement(
        parties, proposal, event_id="01900000-0000-7000-8000-000000000000"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "event_id"
    created = await make_agreement(parties, proposal, event_id=event_id)
    assert created.json()["event_id"] == event_id
    staff = parties.headers["rev"]
    assert await numbers(parties.client, staff, event=event_id) == ["ZT-2026-0001"]
