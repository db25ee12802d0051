"""The needs' list and detail in the API answer from plain columns: every role gets exactly
what the loaded needs would show it, drafts only to their owners, contacts only where the
policy shows them."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role, Station, User
from catalogue.workflow import shown_state
from core.clock import local_date
from demand.models import Need
from demand.policy import sees_need_contact
from demand.schemas import need_read
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body

YILE = "530627106000"
ELSEWHERE = "530602001000"


async def _identity(session: AsyncSession, username: str) -> Identity:
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    await session.refresh(user)
    return Identity.of(user)


async def _loaded_view(
    session: AsyncSession, clock: FakeClock, identity: Identity | None, need_id: str
) -> dict[str, Any]:
    """What the loaded need shows this reader (``need_read`` over the ORM object)."""
    need = await session.get(Need, need_id, populate_existing=True)
    assert need is not None
    await session.refresh(need, ["lines", "region", "station"])
    return need_read(
        need,
        shown_state=shown_state(need.state, need.deadline, local_date(clock())),
        with_contact=sees_need_contact(identity, need),
    ).model_dump(mode="json")


async def _catalogue(session: AsyncSession, client: AsyncClient, clock: FakeClock) -> list[str]:
    """A published station need with a committed line, a station draft, a submitted need
    and a reviewer's association need (代录) still a draft; returns their ids."""
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    await make_user(session, Role.REVIEWER, username="rev")
    worker, reviewer = await bearer(client, "worker"), await bearer(client, "rev")

    async def create(headers: dict[str, str], **changes: object) -> str:
        answer = await client.post(
            "/api/v1/needs", json=need_body(clock, **changes), headers=headers
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    published = await create(worker, title="以勒村饮水管道维修")
    await client.post(f"/api/v1/needs/{published}/submit", headers=worker)
    await client.post(f"/api/v1/needs/{published}/approve", headers=reviewer)
    need = await session.get(Need, published)
    assert need is not None
    await session.refresh(need, ["lines"])
    need.lines[0].committed = need.lines[0].sought / 2
    await session.flush()
    draft = await create(worker, title="以勒村图书角", urgency="green", contact_name="李老师")
    submitted = await create(worker, title="以勒村养老餐桌", urgency="yellow")
    await client.post(f"/api/v1/needs/{submitted}/submit", headers=worker)
    association = await create(
        reviewer, channel="association", channel_name="昭通市果蔬协会", title="苹果销售渠道"
    )
    return [published, draft, submitted, association]


async def test_each_role_reads_what_the_loaded_needs_show_it(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    published, draft, submitted, association = await _catalogue(session, client, clock)
    await make_user(session, Role.REVIEWER, username="talent", reviewer_categories=["talent"])
    await make_user(session, Role.MEMBER, username="member")
    elsewhere = await make_station(session, ELSEWHERE)
    await make_user(session, Role.STATION_WORKER, username="stranger", station=elsewhere)
    readers: dict[str | None, tuple[str, set[str]]] = {
        None: ("", {published}),
        "worker": ("?mine=true", {published, draft, submitted}),
        "rev": ("?state=", {published, draft, submitted, association}),
        "talent": ("", {published}),
        "member": ("", {published}),
        "stranger": ("?mine=true", set()),
    }
    for username, (query, expected) in readers.items():
        identity = None if username is None else await _identity(session, username)
        headers = {} if username is None else await bearer(client, username)
        listed = await client.get(f"/api/v1/needs{query}", headers=headers)
        assert listed.status_code == 200, (username, listed.text)
        items = listed.json()["items"]
        assert {item["id"] for item in items} == expected, username
        for item in items:
            loaded = await _loaded_view(session, clock, identity, item["id"])
            assert item == loaded, username
            detail = await client.get(f"/api/v1/needs/{item['id']}", headers=headers)
            assert detail.json() == loaded, username
        for hidden in {published, draft, submitted, association} - expected - {published}:
            refused = await client.get(f"/api/v1/needs/{hidden}", headers=headers)
            assert refused.status_code == 404, (username, hidden)


async def test_a_listed_need_shows_its_station_contact_to_members_only(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    published, *_ = await _catalogue(session, client, clock)
    station = await session.scalar(select(Station).where(Station.township_code == YILE))
    assert station is not None
    station.contact_name, station.contact_phone = "王站长", "0870-5550000"
    await session.flush()
    anonymous = (await client.get("/api/v1/needs")).json()["items"]
    assert [(n["contact_name"], n["contact_phone"]) for n in anonymous] == [(None, None)]
    await make_user(session, Role.MEMBER, username="member")
    member = await client.get("/api/v1/needs", headers=await bearer(client, "member"))
    (shown,) = member.json()["items"]
    assert (shown["id"], shown["contact_name"], shown["contact_phone"]) == (
        published,
        "王站长",
        "0870-5550000",
    )
    assert shown["progress"] == "partly_committed"
