"""Needs through the JSON API: ownership, review, versions, visibility, filters."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.models import EntryEvent
from demand.models import Need
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_station,
    make_user,
    need_body,
    offer_body,
)

YILE = "530627106000"
OTHER_TOWNSHIP_VILLAGE = "530602001001"


async def _worker(session: AsyncSession, client: AsyncClient, name: str = "worker") -> dict:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username=name, station=station)
    return await bearer(client, name)


async def test_a_need_goes_from_draft_to_published(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")
    created = await client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["state"] == "draft"
    assert need["township_code"] == YILE
    assert need["county_code"] == "530627000000"
    assert need["progress"] == "open"
    assert need["lines"][0]["sought"] == "30000.00"
    url = f"/api/v1/needs/{need['id']}"
    assert (await client.get(url)).status_code == 404, "drafts are not public"
    assert (await client.post(f"{url}/submit", headers=worker)).json()["state"] == "submitted"
    assert (await client.post(f"{url}/approve", headers=worker)).status_code == 403
    approved = await client.post(f"{url}/approve", headers=reviewer)
    assert approved.json()["state"] == "published"
    public = await client.get(url)
    assert public.status_code == 200
    assert public.json()["contact_name"] is None, "no contact for anonymous visitors"
    assert (await client.get(url, headers=reviewer)).json()["contact_name"] is not None
    verified = await client.post(f"{url}/verify", headers=reviewer)
    assert verified.json()["verified_at"]
    steps = list(await session.scalars(select(EntryEvent.action).order_by(EntryEvent.occurred_at)))
    assert steps[-4:] == ["created", "submitted", "approved", "verified"] or set(steps) >= {
        "created",
        "submitted",
        "approved",
        "verified",
    }


async def test_a_station_posts_only_in_its_own_township(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    elsewhere = await client.post(
        "/api/v1/needs", json=need_body(clock, region_code=OTHER_TOWNSHIP_VILLAGE), headers=worker
    )
    assert elsewhere.status_code == 400
    assert [e["field"] for e in elsewhere.json()["errors"]] == ["region_code"]
    assert await session.scalar(select(func.count()).select_from(Need)) == 0


async def test_bad_need_fields_are_all_named(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    response = await client.post(
        "/api/v1/needs",
        json=need_body(
            clock,
            title="",
            urgency="purple",
            lines=[{"kind": "funds", "amount": "-5"}],
        ),
        headers=worker,
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"title", "urgency", "lines.0.amount"} <= fields
    past = await client.post(
        "/api/v1/needs",
        json=need_body(clock, deadline=str((clock.now - timedelta(days=1)).date())),
        headers=worker,
    )
    assert past.status_code == 400
    assert past.json()["errors"][0]["field"] == "deadline"


async def test_a_viewer_cannot_write(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.VIEWER, username="watcher")
    viewer = await bearer(client, "watcher")
    assert (
        await client.post("/api/v1/needs", json=need_body(clock), headers=viewer)
    ).status_code == 403
    assert (
        await client.post("/api/v1/offers", json=offer_body(clock), headers=viewer)
    ).status_code == 403


async def test_a_scoped_reviewer_cannot_approve_outside_its_categories(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="agri", reviewer_categories=["industry"])
    agri = await bearer(client, "agri")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    refused = await client.post(f"/api/v1/needs/{need['id']}/approve", headers=agri)
    assert refused.status_code in (403, 404)


async def test_returning_needs_a_reason_which_the_history_keeps(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    url = f"/api/v1/needs/{need['id']}"
    await client.post(f"{url}/submit", headers=worker)
    assert (await client.post(f"{url}/return", headers=reviewer)).status_code == 400
    returned = await client.post(
        f"{url}/return", json={"reason": "请补充受益儿童名单"}, headers=reviewer
    )
    assert returned.json()["state"] == "returned"
    assert returned.json()["returned_reason"] == "请补充受益儿童名单"
    again = await client.post(f"{url}/submit", headers=worker)
    assert again.json()["state"] == "submitted"


async def test_a_stale_edit_gets_409_and_changes_nothing(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    url = f"/api/v1/needs/{need['id']}"
    first = await client.patch(
        url,
        json={**need_body(clock, title="第一次修改的标题"), "version": need["version"]},
        headers=worker,
    )
    assert first.status_code == 200
    assert first.json()["version"] == need["version"] + 1
    stale = await client.patch(
        url,
        json={**need_body(clock, title="过时的修改"), "version": need["version"]},
        headers=worker,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert (await client.get(url, headers=worker)).json()["title"] == "第一次修改的标题"


async def test_only_drafts_are_deleted(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    first = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    second = (
        await client.post(
            "/api/v1/needs", json=need_body(clock, title="另一个需求"), headers=worker
        )
    ).json()
    await client.post(f"/api/v1/needs/{second['id']}/submit", headers=worker)
    assert (await client.delete(f"/api/v1/needs/{first['id']}", headers=worker)).status_code == 204
    assert (await client.delete(f"/api/v1/needs/{second['id']}", headers=worker)).status_code == 409


async def test_lists_filter_and_page_published_entries(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")
    for index in range(3):
        urgency = "red" if index == 0 else "green"
        need = (
            await client.post(
                "/api/v1/needs",
                json=need_body(clock, title=f"需求{index}号", urgency=urgency),
                headers=worker,
            )
        ).json()
        await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
        await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)
    await client.post("/api/v1/needs", json=need_body(clock, title="草稿"), headers=worker)
    everything = (await client.get("/api/v1/needs", params={"page_size": 2})).json()
    assert everything["total"] == 3
    assert len(everything["items"]) == 2
    red = (await client.get("/api/v1/needs", params={"urgency": "red"})).json()
    assert [n["title"] for n in red["items"]] == ["需求0号"]
    county = (await client.get("/api/v1/needs", params={"county": "530627000000"})).json()
    assert county["total"] == 3
    other = (await client.get("/api/v1/needs", params={"county": "530602000000"})).json()
    assert other["total"] == 0
    mine = (await client.get("/api/v1/needs", params={"mine": "true"}, headers=worker)).json()
    assert mine["total"] == 4
    bad = await client.get("/api/v1/needs", params={"county": "12"})
    assert bad.status_code == 400


async def test_a_published_need_past_its_deadline_shows_as_expired(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")
    need = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
    await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)
    clock.advance(days=61)
    shown = (await client.get(f"/api/v1/needs/{need['id']}")).json()
    assert shown["state"] == "published"
    assert shown["shown_state"] == "expired"


async def test_public_lists_are_remembered_briefly_but_never_for_signed_in_users(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")

    async def publish(title: str) -> None:
        need = (
            await client.post("/api/v1/needs", json=need_body(clock, title=title), headers=worker)
        ).json()
        await client.post(f"/api/v1/needs/{need['id']}/submit", headers=worker)
        await client.post(f"/api/v1/needs/{need['id']}/approve", headers=reviewer)

    await publish("第一个需求")
    assert (await client.get("/api/v1/needs")).json()["total"] == 1
    await publish("第二个需求")
    assert (await client.get("/api/v1/needs")).json()["total"] == 1, "remembered for seconds"
    fresh = await client.get("/api/v1/needs", params={"state": "published"}, headers=reviewer)
    assert fresh.json()["total"] == 2
    other_question = await client.get("/api/v1/needs", params={"county": "530627000000"})
    assert other_question.json()["total"] == 2


async def test_a_reviewer_posts_for_an_association_and_finds_it_among_their_own(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    await make_user(session, Role.REVIEWER, username="rev")
    reviewer = await bearer(client, "rev")
    await client.post("/api/v1/needs", json=need_body(clock, title="社工站的需求"), headers=worker)
    posted = await client.post(
        "/api/v1/needs",
        json=need_body(
            clock,
            title="苹果协会代收的冷库需求",
            channel="association",
            channel_name="昭通苹果产业协会",
            region_code="530602001001",
        ),
        headers=reviewer,
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["channel"] == "association"
    mine = (await client.get("/api/v1/needs", params={"mine": "true"}, headers=reviewer)).json()
    assert [need["title"] for need in mine["items"]] == ["苹果协会代收的冷库需求"]
    unnamed = await client.post(
        "/api/v1/needs", json=need_body(clock, channel="department"), headers=reviewer
    )
    assert unnamed.status_code == 400
