"""Double submission (issue 10, item 7): an ``Idempotency-Key`` makes a retried API create a
no-op that answers as the first time; the key with another body is a 422; a form's one-time
key makes a double-clicked submit create one draft."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.models import Role
from core.database import create_engine
from core.idempotency import IdempotencyKey, prune
from core.settings import Settings
from demand.models import Need
from supply.models import Offer
from tests.clients import serve
from tests.conftest import FakeClock, copy_database
from tests.factories import (
    bearer,
    make_station,
    make_user,
    need_body,
    offer_body,
    sign_in,
)
from tests.listings.test_import_export import OFFER_HEADERS, offer_row, xlsx
from xiangxing.app import create_app
from xiangxing.setup import upgrade_database


async def _count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
async def worker(client: AsyncClient, session: AsyncSession) -> dict[str, str]:
    user = await make_user(session, Role.STATION_WORKER, station=await make_station(session))
    return await bearer(client, user.username)


async def test_a_retried_create_answers_the_first_answer_and_creates_nothing(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, worker: dict[str, str]
) -> None:
    headers = {**worker, "Idempotency-Key": "need-7f3a"}
    first = await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
    again = await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await _count(session, Need) == 1


async def test_the_same_key_with_another_body_is_a_422(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, worker: dict[str, str]
) -> None:
    headers = {**worker, "Idempotency-Key": "need-7f3a"}
    await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
    other = await client.post(
        "/api/v1/needs", json=need_body(clock, title="以勒村饮水管道修缮"), headers=headers
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await _count(session, Need) == 1


async def test_without_a_key_or_after_a_refusal_nothing_is_remembered(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, worker: dict[str, str]
) -> None:
    await client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    await client.post("/api/v1/needs", json=need_body(clock, title="第二条需求"), headers=worker)
    assert await _count(session, Need) == 2
    headers = {**worker, "Idempotency-Key": "k-1"}
    refused = await client.post("/api/v1/needs", json=need_body(clock, title="x"), headers=headers)
    assert refused.status_code == 400
    fixed = await client.post(
        "/api/v1/needs", json=need_body(clock, title="第三条"), headers=headers
    )
    assert fixed.status_code == 201
    too_long = await client.post(
        "/api/v1/needs", json=need_body(clock), headers={**worker, "Idempotency-Key": "k" * 201}
    )
    assert too_long.status_code == 400
    assert await _count(session, Need) == 3


async def test_keys_belong_to_their_user(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    first = await make_user(session, Role.MEMBER)
    second = await make_user(session, Role.MEMBER)
    for user in (first, second):
        headers = {**await bearer(client, user.username), "Idempotency-Key": "same"}
        created = await client.post("/api/v1/offers", json=offer_body(clock), headers=headers)
        assert created.status_code == 201, created.text
    assert await _count(session, Offer) == 2


async def test_a_retried_import_stores_nothing_twice(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await make_user(session, Role.MEMBER)
    headers = {**await bearer(client, member.username), "Idempotency-Key": "import-1"}
    content = xlsx(OFFER_HEADERS, [offer_row("暑期支教"), offer_row("技能培训")])
    answers = [
        await client.post(
            "/api/v1/offers/import", files={"file": ("o.xlsx", content)}, headers=headers
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert await _count(session, Offer) == 2


async def test_keys_older_than_seven_days_are_swept(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, worker: dict[str, str]
) -> None:
    headers = {**worker, "Idempotency-Key": "old"}
    await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
    await prune(session, clock.now + timedelta(days=6))
    assert await _count(session, IdempotencyKey) == 1
    await prune(session, clock.now + timedelta(days=7, seconds=1))
    assert await _count(session, IdempotencyKey) == 0


async def test_a_replay_is_compressed_only_for_a_client_that_asks(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, worker: dict[str, str]
) -> None:
    headers = {**worker, "Idempotency-Key": "need-gzip"}
    body = need_body(clock, description="村里四十多名留守儿童暑假无人看护。" * 40)
    sent = [
        await client.post("/api/v1/needs", json=body, headers={**headers, "Accept-Encoding": to})
        for to in ("gzip", "identity", "gzip")
    ]
    assert [answer.status_code for answer in sent] == [201, 201, 201]
    assert [answer.headers.get("content-encoding") for answer in sent] == ["gzip", None, "gzip"]
    assert sent[1].json() == sent[2].json() == sent[0].json()
    assert [answer.headers.get("vary") for answer in sent] == [
        "Accept-Encoding",
        None,
        "Accept-Encoding",
    ]
    assert await _count(session, Need) == 1


@pytest.fixture
async def file_app(
    scratch_settings: Settings, clock: FakeClock, migrated_file: Path
) -> AsyncIterator[tuple[AsyncClient, AsyncEngine]]:
    """The real app on a database of its own (a copy of the run's migrated SQLite file, or
    PostgreSQL's scratch database), committing for real: two requests at once really are two."""
    settings = scratch_settings.model_copy(update={"search_indexer": False})
    engine = create_engine(settings)
    if settings.is_sqlite:
        copy_database(migrated_file, settings.var_dir)
    else:
        await upgrade_database(engine)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        station = await make_station(session)
        await make_user(session, Role.STATION_WORKER, username="clicker", station=station)
        await session.commit()
    async with serve(create_app(settings, clock=clock)) as client:
        yield client, engine
    await engine.dispose()


async def test_a_double_clicked_submit_creates_one_draft(
    file_app: tuple[AsyncClient, AsyncEngine], clock: FakeClock
) -> None:
    client, engine = file_app
    await sign_in(client, "clicker")
    page = await client.get("/my/needs/new")
    action = re.search(r'<form method="post" action="([^"]+)" class="entry-form"', page.text)
    assert action is not None
    assert "_once=" in action.group(1)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {
        "_csrf_token": token.group(1),
        "category": "special_groups",
        "subcategory": "left_behind_children",
        "title": "以勒村留守儿童暑期托管",
        "region_code": "530627106201",
        "urgency": "red",
        "deadline": str((clock.now + timedelta(days=60)).date()),
        "lines.0.kind": "funds",
        "lines.0.amount": "30,000",
    }
    clicks = await asyncio.gather(
        *(client.post(action.group(1).replace("&amp;", "&"), data=form) for _ in range(2))
    )
    assert [c.status_code for c in clicks] == [302, 302], [c.text[:300] for c in clicks]
    assert clicks[0].headers["location"] == clicks[1].headers["location"]
    async with AsyncSession(engine) as session:
        assert await _count(session, Need) == 1


async def test_two_api_creates_at_once_with_one_key_create_one_and_answer_alike(
    file_app: tuple[AsyncClient, AsyncEngine], clock: FakeClock
) -> None:
    """On PostgreSQL both run side by side; the loser's key insert waits on the unique index,
    fails when the winner commits, and answers the winner's answer (SQLite takes turns)."""
    client, engine = file_app
    headers = {**await bearer(client, "clicker"), "Idempotency-Key": "need-race"}
    answers = await asyncio.gather(
        *(client.post("/api/v1/needs", json=need_body(clock), headers=headers) for _ in range(2))
    )
    assert [answer.status_code for answer in answers] == [201, 201], answers[1].text[:300]
    assert answers[0].json() == answers[1].json()
    async with AsyncSession(engine) as session:
        assert await _count(session, Need) == 1
        assert await _count(session, IdempotencyKey) == 1
