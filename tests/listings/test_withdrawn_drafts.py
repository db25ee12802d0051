"""An entry withdrawn before it was ever published is a withdrawn draft: its owner restores it
(a draft again) or deletes it (gone from every list), each step audited; an entry once
published stays on record. A draft's page leads back to the owner's own list, not to the
public catalogue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.models import EntryEvent
from core.audit import AuditEntry
from demand.models import Need
from supply.models import Offer
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

YILE = "530627106000"


async def _withdrawn_need(client: AsyncClient, worker: dict[str, str], clock: FakeClock) -> str:
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    withdrawn = await client.post(f"/api/v1/needs/{need['id']}/withdraw", headers=worker)
    assert withdrawn.json()["state"] == "withdrawn"
    return str(need["id"])


async def _audit_actions(session: AsyncSession, object_id: str) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == object_id)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    return list(rows)


@pytest.fixture
async def need_id(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> str:
    """A need the station withdrew while it awaited review, its worker signed in."""
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    withdrawn = await _withdrawn_need(client, await bearer(client, "worker"), clock)
    await sign_in(client, "worker")
    return withdrawn


async def test_the_station_restores_its_withdrawn_draft_as_a_draft(
    client: AsyncClient, session: AsyncSession, need_id: str
) -> None:
    page = await client.get(f"/catalogue/needs/{need_id}")
    assert f"/catalogue/needs/{need_id}/step/restore" in page.text
    assert f"/catalogue/delete/needs/{need_id}" in page.text
    restored = await post_form(client, f"/catalogue/needs/{need_id}/step/restore", {})
    assert restored.status_code in (302, 303)
    need = await session.get(Need, UUID(need_id))
    assert need is not None
    await session.refresh(need)
    assert need.state.value == "draft"
    assert need.closed_at is None
    assert "need.restored" in await _audit_actions(session, need_id)
    again = await client.get(f"/catalogue/needs/{need_id}")
    assert "已恢复为草稿" in again.text, "the history names the step"
    assert f"/my/needs/{need_id}/edit" in again.text, "a draft again, so it can be edited"


async def test_the_station_deletes_its_withdrawn_draft_and_it_leaves_every_list(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, need_id: str
) -> None:
    assert need_body(clock)["title"] in (await client.get("/my/needs")).text
    deleted = await post_form(client, f"/catalogue/delete/needs/{need_id}", {})
    assert deleted.status_code in (302, 303)
    assert deleted.headers["location"] == "/my/needs"
    assert await session.scalar(select(Need).where(Need.id == UUID(need_id))) is None
    assert need_body(clock)["title"] not in (await client.get("/my/needs")).text
    assert (await client.get(f"/catalogue/needs/{need_id}")).status_code == 404
    assert "need.deleted" in await _audit_actions(session, need_id)


async def test_only_the_owner_deletes_or_restores(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    other = await make_organization(session, "昭通市另一家协会")
    await make_user(session, Role.MEMBER, username="stranger", organization=other)
    member = await bearer(client, "member")
    offer = (await client.post("/api/v1/offers", json=offer_body(clock), headers=member)).json()
    await client.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=member)
    stranger = await bearer(client, "stranger")
    url = f"/api/v1/offers/{offer['id']}"
    assert (await client.post(f"{url}/restore", headers=stranger)).status_code == 404
    assert (await client.delete(url, headers=stranger)).status_code == 404
    assert (await client.post(f"{url}/restore", headers=member)).json()["state"] == "draft"
    await client.post(f"{url}/withdraw", headers=member)
    assert (await client.delete(url, headers=member)).status_code == 204
    assert await session.scalar(select(Offer).where(Offer.id == UUID(offer["id"]))) is None


async def test_an_entry_once_published_is_neither_restored_nor_deleted(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, reviewer = await bearer(client, "worker"), await bearer(client, "rev")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    url = f"/api/v1/needs/{need['id']}"
    await client.post(f"{url}/submit", headers=worker)
    await client.post(f"{url}/approve", headers=reviewer)
    await client.post(f"{url}/withdraw", headers=worker, json={"reason": "不再需要"})
    assert (await client.post(f"{url}/restore", headers=worker)).status_code == 409
    assert (await client.delete(url, headers=worker)).status_code == 409
    await sign_in(client, "worker")
    page = await client.get(f"/catalogue/needs/{need['id']}")
    assert "/step/restore" not in page.text
    assert f"/catalogue/delete/needs/{need['id']}" not in page.text
    events = await session.scalars(
        select(EntryEvent.action).where(EntryEvent.entry_id == UUID(need["id"]))
    )
    assert "restored" not in list(events)


async def test_a_drafts_breadcrumb_leads_to_the_owners_list(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, member = await bearer(client, "worker"), await bearer(client, "member")
    need: dict[str, Any] = (
        await client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    ).json()
    offer: dict[str, Any] = (
        await client.post("/api/v1/offers", json=offer_body(clock), headers=member)
    ).json()

    def crumb(page: str) -> str:
        return page.split('aria-label="breadcrumb"', 1)[1].split("</nav>", 1)[0]

    await sign_in(client, "worker")
    draft = crumb((await client.get(f"/catalogue/needs/{need['id']}")).text)
    assert 'href="/my/needs"' in draft
    assert "我的村社需求" in draft
    assert "/catalogue" not in draft
    await sign_in(client, "member")
    assert 'href="/my/offers"' in crumb((await client.get(f"/catalogue/offers/{offer['id']}")).text)

    reviewer = await bearer(client, "rev")
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)
    await sign_in(client, "worker")
    published = crumb((await client.get(f"/catalogue/needs/{need['id']}")).text)
    assert "/catalogue?kind=needs" in published, "a published need sits in the catalogue"
