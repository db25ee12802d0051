"""Private data, route by route and field by field, for every kind of reader: contact names
and phones, drafts of other categories, organizations that are pending or suspended."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role, Verification
from search.models import SearchOutbox
from search.source import documents_for
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
    sign_in,
)

OFFER_PHONE = "0871-6666666"
STATION_PHONE = "0870-5550101"
TALENT = {"category": "talent", "subcategory": "expert_service"}
READERS = ("anonymous", "member", "pending_member", "worker", "industry_reviewer")
SEES_CONTACTS = {
    "anonymous": False,
    "member": True,
    "pending_member": False,
    "worker": True,
    "industry_reviewer": True,
}


@dataclass
class World:
    headers: dict[str, dict[str, str]]
    offer_id: str
    need_id: str
    talent_offer_id: str
    talent_need_id: str
    owner: Organization
    pending: Organization


async def _world(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> World:
    """A published offer and need with contacts, a talent offer and need waiting for review,
    and one reader of each kind."""
    owner = await make_organization(session)
    other = await make_organization(session)
    pending = await make_organization(session, verification=Verification.PENDING)
    station = await make_station(session)
    station.contact_name, station.contact_phone = "王站长", STATION_PHONE
    await make_user(session, Role.MEMBER, username="owner", organization=owner)
    await make_user(session, Role.MEMBER, username="member", organization=other)
    await make_user(session, Role.MEMBER, username="pending_member", organization=pending)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    await make_user(session, Role.REVIEWER, username="reviewer")
    await make_user(
        session, Role.REVIEWER, username="industry_reviewer", reviewer_categories=["industry"]
    )
    await make_user(session, Role.ADMIN, username="admin")
    names = ("owner", "member", "pending_member", "worker", "reviewer", "industry_reviewer")
    headers = {name: await bearer(client, name) for name in (*names, "admin")}
    headers["anonymous"] = {}

    async def make(kind: str, body: dict[str, Any], author: str, publish: bool) -> str:
        created = await client.post(f"/api/v1/{kind}", json=body, headers=headers[author])
        assert created.status_code == 201, created.text
        url = f"/api/v1/{kind}/{created.json()['id']}"
        assert (await client.post(f"{url}/submit", headers=headers[author])).status_code == 200
        if publish:
            approved = await client.post(f"{url}/approve", headers=headers["reviewer"])
            assert approved.status_code == 200
        return created.json()["id"]

    return World(
        headers=headers,
        offer_id=await make("offers", offer_body(clock), "owner", True),
        need_id=await make("needs", need_body(clock), "worker", True),
        talent_offer_id=await make("offers", offer_body(clock, **TALENT), "owner", False),
        talent_need_id=await make("needs", need_body(clock, **TALENT), "worker", False),
        owner=owner,
        pending=pending,
    )


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("reader", READERS)
async def test_offer_contacts_reach_only_signed_in_users_with_a_verified_affiliation(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, reader: str
) -> None:
    world = await _world(client, session, clock)
    headers = world.headers[reader]
    shown = SEES_CONTACTS[reader]
    expected = ("周老师", OFFER_PHONE) if shown else (None, None)

    listed = (await client.get("/api/v1/offers", headers=headers)).json()["items"]
    mine = [item for item in listed if item["id"] == world.offer_id]
    assert [(item["contact_name"], item["contact_phone"]) for item in mine] == [expected]
    detail = (await client.get(f"/api/v1/offers/{world.offer_id}", headers=headers)).json()
    assert (detail["contact_name"], detail["contact_phone"]) == expected
    exported = await client.get("/api/v1/exports/offers.csv", headers=headers)
    assert [(row["联系人"], row["联系电话"]) for row in _rows(exported.content)] == [
        ("周老师", OFFER_PHONE) if shown else ("", "")
    ]


@pytest.mark.parametrize("reader", READERS)
async def test_need_contacts_reach_only_signed_in_users_with_a_verified_affiliation(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, reader: str
) -> None:
    world = await _world(client, session, clock)
    headers = world.headers[reader]
    expected = ("王站长", STATION_PHONE) if SEES_CONTACTS[reader] else (None, None)

    listed = (await client.get("/api/v1/needs", headers=headers)).json()["items"]
    found = [item for item in listed if item["id"] == world.need_id]
    assert [(item["contact_name"], item["contact_phone"]) for item in found] == [expected]
    detail = (await client.get(f"/api/v1/needs/{world.need_id}", headers=headers)).json()
    assert (detail["contact_name"], detail["contact_phone"]) == expected
    stations = (await client.get("/api/v1/stations", headers=headers)).json()["items"]
    assert [(s["contact_name"], s["contact_phone"]) for s in stations] == [expected]
    one = (await client.get(f"/api/v1/stations/{stations[0]['id']}", headers=headers)).json()
    assert (one["contact_name"], one["contact_phone"]) == expected


async def test_entry_pages_show_contacts_by_the_same_rule_and_say_so(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    world = await _world(client, session, clock)
    pages = (f"/catalogue/offers/{world.offer_id}", f"/catalogue/needs/{world.need_id}")
    phones = (OFFER_PHONE, STATION_PHONE)
    for path, phone in zip(pages, phones, strict=True):
        anonymous = (await client.get(path)).text
        assert phone not in anonymous
        assert "登录后查看联系方式" in anonymous
    await sign_in(client, "pending_member")
    for path, phone in zip(pages, phones, strict=True):
        page = (await client.get(path)).text
        assert phone not in page
        assert "已认证社会组织的成员" in page, "the page says who sees contacts"
    await sign_in(client, "member")
    for path, phone in zip(pages, phones, strict=True):
        assert phone in (await client.get(path)).text


async def test_a_category_scoped_reviewer_lists_and_exports_only_their_categories(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    world = await _world(client, session, clock)
    scoped, everyone = world.headers["industry_reviewer"], world.headers["reviewer"]
    for kind, entry_id in (("offers", world.talent_offer_id), ("needs", world.talent_need_id)):
        query = {"state": "submitted", "category": "talent"}
        listed = await client.get(f"/api/v1/{kind}", params=query, headers=scoped)
        assert listed.json()["total"] == 0
        exported = await client.get(f"/api/v1/exports/{kind}.csv", params=query, headers=scoped)
        assert _rows(exported.content) == []
        one = await client.get(f"/api/v1/{kind}/{entry_id}", headers=scoped)
        assert one.status_code == 404
        assert (await client.get(f"/api/v1/{kind}", params=query, headers=everyone)).json()[
            "total"
        ] == 1
        everyone_export = await client.get(
            f"/api/v1/exports/{kind}.csv", params=query, headers=everyone
        )
        assert len(_rows(everyone_export.content)) == 1


async def test_credit_codes_and_contacts_of_pending_organizations_stay_with_members_and_staff(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    world = await _world(client, session, clock)
    pending = f"/api/v1/organizations/{world.pending.id}"
    assert (await client.get(pending, headers=world.headers["member"])).status_code == 404
    assert (await client.get(pending, headers=world.headers["worker"])).status_code == 404
    for reader in ("pending_member", "industry_reviewer", "admin"):
        seen = (await client.get(pending, headers=world.headers[reader])).json()
        assert seen["credit_code"] == world.pending.credit_code, reader
        assert seen["contact_phone"] == world.pending.contact_phone, reader

    verified = f"/api/v1/organizations/{world.owner.id}"
    public = (await client.get(verified, headers=world.headers["pending_member"])).json()
    assert public["name"] == world.owner.name
    assert not {"credit_code", "contact_name", "contact_phone"} & public.keys()
    shown = (await client.get(verified, headers=world.headers["worker"])).json()
    assert shown["contact_phone"] == world.owner.contact_phone


async def test_a_suspended_organizations_offers_leave_every_public_list_and_the_index(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    world = await _world(client, session, clock)
    detail = f"/api/v1/offers/{world.offer_id}"
    assert (await client.get(detail)).status_code == 200
    suspended = await client.post(
        f"/api/v1/organizations/{world.owner.id}/suspended", headers=world.headers["admin"]
    )
    assert suspended.status_code == 200, suspended.text

    assert (await client.get(detail)).status_code == 404
    assert (await client.get(detail, headers=world.headers["member"])).status_code == 404
    assert (await client.get(f"/catalogue/offers/{world.offer_id}")).status_code == 404
    assert (await client.get("/api/v1/offers")).json()["total"] == 0
    assert _rows((await client.get("/api/v1/exports/offers.csv")).content) == []
    catalogue = await client.get("/catalogue", params={"kind": "offers"})
    assert "大学生暑期支教" not in catalogue.text
    own = await client.get(detail, headers=world.headers["owner"])
    assert own.status_code == 200, "its own members still read it"

    queued = await session.scalars(
        select(SearchOutbox.entry_id).where(SearchOutbox.entry_kind == "offer")
    )
    assert world.offer_id in {str(entry_id) for entry_id in queued}, "the index hears of it"
    documents, removed = await documents_for(
        session, [("offer", UUID(world.offer_id))], clock.now.date()
    )
    assert (documents, removed) == ([], [f"offer:{world.offer_id}"])
