"""The outbox and the indexer: every change reaches the index, through outages, crashes,
competing workers and rebuilds, and nothing is lost."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from accounts.models import Role
from core.settings import Settings
from search.backend import Facet, SearchQuery
from search.documents import SearchDocument
from search.embedded import EmbeddedSearch
from search.indexer import Indexer, reindex, retry_delay
from search.models import SearchOutbox
from search.outbox import NEED, outbox_rows
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import (
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)

YILE = "530627106000"


def later(seconds: float) -> Callable[[], datetime]:
    """A wall clock running ahead, to step past a backoff or a lease without sleeping."""
    return lambda: datetime.now(UTC) + timedelta(seconds=seconds)


class Parties:
    def __init__(self, client: AsyncClient, worker: dict[str, str], reviewer: dict[str, str]):
        self.client, self.worker, self.reviewer = client, worker, reviewer

    async def publish_need(self, clock: FakeClock, **changes: object) -> str:
        created = await self.client.post(
            "/api/v1/needs", json=need_body(clock, **changes), headers=self.worker
        )
        assert created.status_code == 201, created.text
        need_id = created.json()["id"]
        await self.client.post(f"/api/v1/needs/{need_id}/submit", headers=self.worker)
        approved = await self.client.post(f"/api/v1/needs/{need_id}/approve", headers=self.reviewer)
        assert approved.status_code == 200, approved.text
        return need_id


@pytest.fixture
async def parties(client: AsyncClient, session: AsyncSession) -> Parties:
    station = await make_station(session, YILE)
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    await make_user(session, Role.REVIEWER, username="rev")
    return Parties(client, await bearer(client, "worker"), await bearer(client, "rev"))


def indexer_of(app: Litestar) -> Indexer:
    return app.state.search.indexer


async def drained(app: Litestar) -> int:
    """Run the app's indexer until the outbox is empty, and forget the search answers the
    app remembers for two seconds, as a reader a few seconds later would see."""
    taken = await indexer_of(app).drain()
    app.state.public_memory.searches.forget()
    return taken


async def found(client: AsyncClient, text: str, **params: str) -> list[str]:
    answer = await client.get("/api/v1/search", params={"q": text, **params})
    assert answer.status_code == 200, answer.text
    return [item["entry_id"] for item in answer.json()["items"]]


async def pending(session: AsyncSession) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
        )
        or 0
    )


async def test_published_need_is_found_and_gone_once_withdrawn(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock
) -> None:
    need_id = await parties.publish_need(clock)
    assert await found(client, "托管") == [], "not searchable before the indexer ran"
    assert await drained(app) > 0
    assert await found(client, "托管") == [need_id]
    assert await found(client, "lset") == [need_id], "pinyin initials of 留守儿童"
    assert await found(client, "tuoguan") == [need_id]
    withdrawn = await client.post(
        f"/api/v1/needs/{need_id}/withdraw", headers=parties.worker, json={"reason": "已解决"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await drained(app)
    assert await found(client, "托管") == []


async def test_drafts_never_reach_the_index(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock, session: AsyncSession
) -> None:
    await client.post("/api/v1/needs", json=need_body(clock), headers=parties.worker)
    assert await pending(session) >= 1, "the draft's creation is in the outbox"
    await drained(app)
    assert await pending(session) == 0
    assert await app.state.search.backend.count() == 0


async def test_an_organization_renamed_reindexes_its_offers(
    app: Litestar, client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    organization = await make_organization(session, "昭通市光明公益协会")
    await make_user(session, Role.MEMBER, username="member", organization=organization)
    await make_user(session, Role.REVIEWER, username="rev")
    member, reviewer = await bearer(client, "member"), await bearer(client, "rev")
    offer = (await client.post("/api/v1/offers", json=offer_body(clock), headers=member)).json()
    await client.post(f"/api/v1/offers/{offer['id']}/submit", headers=member)
    await client.post(f"/api/v1/offers/{offer['id']}/approve", headers=reviewer)
    await drained(app)
    assert await found(client, "光明公益") == [offer["id"]]
    organization.name = "昭通市春晖公益协会"
    await session.flush()
    await drained(app)
    assert await found(client, "春晖") == [offer["id"]]
    assert await found(client, "光明公益") == []


async def test_expiry_is_swept_once_a_day(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock
) -> None:
    need_id = await parties.publish_need(
        clock, deadline=str((clock.now + timedelta(days=2)).date())
    )
    indexer = indexer_of(app)
    await indexer.drain()
    assert await indexer.sweep() == 0
    clock.advance(days=3)
    assert await indexer.sweep() == 1, "the need passed its deadline since the last sweep"
    assert await indexer.sweep() == 0, "once per day"
    await indexer.drain()
    answer = (await client.get("/api/v1/search", params={"q": "托管"})).json()
    assert [item["entry_id"] for item in answer["items"]] == [need_id]
    assert answer["facets"]["state"] == {"expired": 1}
    assert await found(client, "托管", state="published") == []


async def test_engine_outage_keeps_writes_and_falls_back_then_drains(
    make_app: Callable[[Settings], Litestar],
    test_settings: Settings,
    session: AsyncSession,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "var"
    blocked.write_text("a file where the index directory should be")
    app = make_app(test_settings.model_copy(update={"var_dir": blocked}))
    async with serve(app) as client:
        station = await make_station(session, YILE)
        await make_user(session, Role.STATION_WORKER, username="worker", station=station)
        await make_user(session, Role.REVIEWER, username="rev")
        parties = Parties(client, await bearer(client, "worker"), await bearer(client, "rev"))
        need_id = await parties.publish_need(clock)

        with pytest.raises((FileExistsError, NotADirectoryError)):
            await drained(app)
        row = await session.scalar(select(SearchOutbox).order_by(SearchOutbox.id.desc()))
        assert row is not None
        await session.refresh(row)
        assert (row.attempts, row.processed_at) == (1, None)
        assert row.last_error
        assert row.available_at > datetime.now(UTC), "retried after a backoff"

        answer = (await client.get("/api/v1/search", params={"q": "留守儿童"})).json()
        assert answer["degraded"] is True
        assert answer["engine"] == "database"
        assert [item["entry_id"] for item in answer["items"]] == [need_id]
        assert "<mark>留守儿童</mark>" in answer["items"][0]["title_html"]
        page = await client.get("/search", params={"q": "留守儿童"})
        assert "可能不完整" in page.text

        blocked.unlink()
        recovered = Indexer(
            indexer_of(app).session_maker, app.state.search.backend, clock=later(3600)
        )
        assert await recovered.drain() >= 1
        assert await pending(session) == 0
        hits = await app.state.search.backend.search(SearchQuery(text="留守儿童"))
        assert [hit.id for hit in hits.hits] == [f"need:{need_id}"]


async def test_an_unreachable_meilisearch_keeps_writes_degrades_search_and_keeps_the_backlog(
    make_app: Callable[[Settings], Litestar],
    test_settings: Settings,
    session: AsyncSession,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    """Meilisearch at an address where nothing answers: publishing still succeeds, search
    answers from the database and says it may be incomplete, and the changes wait in the
    outbox for the engine that answers next (here the embedded one stands in for it)."""
    settings = test_settings.model_copy(
        update={"search_url": "http://127.0.0.1:1", "var_dir": tmp_path / "var"}
    )
    app = make_app(settings)
    async with serve(app) as client:
        station = await make_station(session, YILE)
        await make_user(session, Role.STATION_WORKER, username="worker", station=station)
        await make_user(session, Role.REVIEWER, username="rev")
        parties = Parties(client, await bearer(client, "worker"), await bearer(client, "rev"))
        need_id = await parties.publish_need(clock)

        with pytest.raises(Exception, match=r"(?i)connect"):
            await drained(app)
        assert await pending(session) >= 1, "the change waits for the engine"
        answer = (await client.get("/api/v1/search", params={"q": "留守儿童"})).json()
        assert (answer["degraded"], answer["engine"]) == (True, "database")
        assert [item["entry_id"] for item in answer["items"]] == [need_id]
        assert "可能不完整" in (await client.get("/search", params={"q": "留守儿童"})).text

        back = EmbeddedSearch(tmp_path / "back")
        recovered = Indexer(indexer_of(app).session_maker, back, clock=later(3600))
        assert await recovered.drain() >= 1
        assert await pending(session) == 0
        hits = await back.search(SearchQuery(text="留守儿童"))
        assert [hit.id for hit in hits.hits] == [f"need:{need_id}"]
        await back.close()


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(minutes=5)


class Blocking(EmbeddedSearch):
    """An engine that hangs on writes: the indexer is killed in the middle of a batch."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.entered = asyncio.Event()

    async def upsert(self, documents: Iterable[SearchDocument]) -> None:
        self.entered.set()
        await asyncio.Event().wait()


async def test_a_crash_between_commit_and_indexing_loses_nothing(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock, tmp_path: Path
) -> None:
    need_id = await parties.publish_need(clock)
    hanging = Blocking(tmp_path / "hanging")
    doomed = Indexer(indexer_of(app).session_maker, hanging)
    task = asyncio.create_task(doomed.drain())
    await hanging.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await hanging.close()

    assert await drained(app) == 0, "the dead indexer's lease still holds the rows"
    successor = Indexer(indexer_of(app).session_maker, app.state.search.backend, clock=later(61))
    assert await successor.drain() >= 1
    assert await found(client, "托管") == [need_id]


class Recording(EmbeddedSearch):
    """A real engine that also remembers which ids each call was given."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.deleted: list[str] = []

    async def delete(self, ids: Iterable[str]) -> None:
        batch = list(ids)
        self.deleted += batch
        await asyncio.sleep(0.01)
        await super().delete(batch)


async def test_two_indexers_never_take_the_same_row(
    engine: AsyncEngine,
    make_app: Callable[[Settings], Litestar],
    test_settings: Settings,
    tmp_path: Path,
) -> None:
    """Committed rows (no test transaction), drained by two indexers at once in small
    batches: each row is applied exactly once; ``/health`` saw the backlog before."""
    committed = async_sessionmaker(engine, expire_on_commit=False)
    entry_ids = [uuid.uuid4() for _ in range(60)]
    async with committed() as session:
        await session.execute(
            SearchOutbox.__table__.insert(), outbox_rows(NEED, entry_ids, datetime.now(UTC))
        )
        await session.commit()
    try:
        async with serve(make_app(test_settings)) as client:
            health = (await client.get("/health")).json()
        assert health["search"]["outbox"]["pending"] == 60
        assert health["search"]["outbox"]["oldest_pending_seconds"] >= 0

        engines = [Recording(tmp_path / "one"), Recording(tmp_path / "two")]
        indexers = [Indexer(committed, backend, batch_size=7) for backend in engines]
        taken = await asyncio.gather(*(indexer.drain() for indexer in indexers))
        assert sum(taken) == 60
        applied = engines[0].deleted + engines[1].deleted
        assert sorted(applied) == sorted(f"need:{entry_id}" for entry_id in entry_ids)
        async with committed() as session:
            assert await pending(session) == 0
        for backend in engines:
            await backend.close()
    finally:
        async with committed() as session:
            await session.execute(delete(SearchOutbox))
            await session.commit()


async def test_reindex_rebuilds_and_replays_changes_made_meanwhile(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock, session: AsyncSession
) -> None:
    first = await parties.publish_need(clock, title="以勒村留守儿童暑期托管")
    await drained(app)
    backend = app.state.search.backend
    await backend.delete([f"need:{first}"])
    assert await found(client, "托管") == [], "the index lost a document"

    began = datetime.now(UTC)
    second = await parties.publish_need(
        clock, title="以勒村敬老院冬季棉被", description="敬老院缺少过冬棉被。", tags=[]
    )
    await drained(app)
    rebuilt = await reindex(indexer_of(app).session_maker, backend, clock=lambda: began)
    assert rebuilt == 2
    assert await found(client, "托管") == [first]
    assert await pending(session) >= 1, "changes since the rebuild began are replayed"
    await drained(app)
    assert await found(client, "棉被") == [second]
    totals = (await backend.search(SearchQuery(facets=frozenset({Facet.KIND})))).facets
    assert totals[Facet.KIND] == {"need": 2}


async def test_the_same_search_within_two_seconds_is_answered_from_memory(
    app: Litestar, client: AsyncClient, parties: Parties, clock: FakeClock
) -> None:
    """Popular searches cost one engine query per two seconds; a new entry shows up once the
    remembered answer is older than that."""
    first = await parties.publish_need(clock, title="以勒村留守儿童暑期托管")
    await drained(app)
    assert await found(client, "托管") == [first]
    await parties.publish_need(clock, title="以勒村敬老院暑期托管", tags=[])
    await indexer_of(app).drain()
    assert await found(client, "托管") == [first], "remembered"
    assert len(await found(client, "托管", kind="need")) == 2, "another question is asked anew"
    app.state.public_memory.searches.forget()
    assert len(await found(client, "托管")) == 2
