"""The reviewers' queue pages in SQL with the reviewer's categories in the query: a long queue
of other categories never hides the oldest entries a scoped reviewer must decide."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.workflow import EntryState
from demand.schemas import NeedFields
from demand.service import NeedService
from tests.conftest import FakeClock
from tests.factories import make_station, make_user, need_body, sign_in

INDUSTRY = {"category": "industry", "subcategory": "planting"}


async def _worker(session: AsyncSession) -> Identity:
    station = await make_station(session)
    worker = await make_user(session, Role.STATION_WORKER, station=station)
    return Identity(
        user_id=worker.id,
        username=worker.username,
        display_name=worker.display_name,
        roles=frozenset({Role.STATION_WORKER}),
        organization_id=None,
        station_id=station.id,
        township_code=station.township_code,
        department_id=None,
        reviewer_categories=frozenset(),
        affiliation_name=station.name,
        must_change_password=False,
    )


async def _submitted_needs(
    session: AsyncSession,
    clock: FakeClock,
    identity: Identity,
    count: int,
    title: str,
    **fields: str,
) -> None:
    """``count`` station needs submitted one minute apart, from now on."""
    service = NeedService(session, clock)
    for number in range(count):
        body = need_body(clock, title=f"{title}{number:03d}", **fields)
        need = await service.create(
            NeedFields.model_validate(body), identity, identity.actor(None), flush=False
        )
        need.state = EntryState.SUBMITTED
        need.submitted_at = clock.now + timedelta(minutes=number)
    await session.flush()


async def test_a_scoped_reviewer_sees_their_oldest_entries_behind_a_long_queue_of_others(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session)
    await _submitted_needs(session, clock, worker, 25, "产业需求", **INDUSTRY)
    clock.advance(days=1)
    await _submitted_needs(session, clock, worker, 101, "留守儿童需求")
    await make_user(session, Role.REVIEWER, username="industry", reviewer_categories=["industry"])
    await sign_in(client, "industry")

    first = (await client.get("/review")).text
    assert "(25)" in first, "the count is of the reviewer's own categories"
    assert "留守儿童需求" not in first
    shown = [f"产业需求{number:03d}" for number in range(25) if f"产业需求{number:03d}" in first]
    assert shown == [f"产业需求{number:03d}" for number in range(20)], "oldest first, 20 a page"
    second = (await client.get("/review", params={"page": 2})).text
    assert [f"产业需求{n:03d}" for n in range(25) if f"产业需求{n:03d}" in second] == [
        f"产业需求{n:03d}" for n in range(20, 25)
    ]
