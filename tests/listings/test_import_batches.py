"""A large import is stored in hidden batches (issue 10, item 8): while it is being stored no
list, detail or export shows any of it, a failure in a later batch leaves nothing behind, and
batches a crash abandoned are swept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role, User
from catalogue.schemas import EntryFilters
from core.database import write_phase
from core.pagination import PageRequest
from demand.models import Need
from demand.service import NeedNotFound, NeedService
from listings.api import matching_entries
from listings.importing import RowsRejected, staging
from listings.importing.plan import ImportPlan, _read_keyed
from listings.sheet import SheetKind
from supply.models import Offer
from supply.service import OfferService
from tests.conftest import FakeClock
from tests.factories import make_station, make_user
from tests.listings.test_import_export import (
    NEED_HEADERS,
    OFFER_HEADERS,
    YILE,
    csv_bytes,
    need_row,
    offer_row,
)

ROWS = 2 * staging.BATCH_ROWS + 10
"""Three batches: the first, a full second and a short last one."""


async def _identity(session: AsyncSession, user: User) -> Identity:
    await session.refresh(user, ["station", "organization", "department"])
    return Identity.of(user)


async def _plan(
    session: AsyncSession, clock: FakeClock, kind: SheetKind, identity: Identity, content: bytes
) -> tuple[ImportPlan, Any]:
    plan = await ImportPlan.of(session, clock, kind, identity)
    checked = await plan.check(_read_keyed(kind, "big.csv", content))
    return plan, checked


async def _import(plan: ImportPlan, checked: Any, identity: Identity) -> list[Any]:
    async with write_phase(plan.session):
        await plan.check_duplicates(checked)
        return await plan.store(identity.actor(None), "big.csv")


async def _count(session: AsyncSession, model: type[Need] | type[Offer]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_half_stored_import_is_in_no_list_detail_or_export(
    session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _identity(
        session,
        await make_user(session, Role.STATION_WORKER, station=await make_station(session, YILE)),
    )
    reviewer = await _identity(session, await make_user(session, Role.REVIEWER))
    content = csv_bytes(
        NEED_HEADERS, [need_row(f"以勒村第{n}号需求") for n in range(ROWS)], "utf-8"
    )
    plan, checked = await _plan(session, clock, SheetKind.NEEDS, worker, content)
    seen: list[tuple[int, int, int, int]] = []

    async def look(stored: list[Need]) -> None:
        service = NeedService(session, clock)
        mine = await service.listed(PageRequest(), EntryFilters(), worker, mine=True)
        reviewed = await service.listed(PageRequest(), EntryFilters(), reviewer)
        exported = await matching_entries(
            session, SheetKind.NEEDS, EntryFilters(), worker, mine=True
        )
        with pytest.raises(NeedNotFound):
            await service.require(stored[0].id, worker)
        seen.append((await _count(session, Need), mine.total, reviewed.total, len(exported)))

    plan.batch_stored = look
    created = await _import(plan, checked, worker)

    batch = staging.BATCH_ROWS
    assert seen == [(batch, 0, 0, 0), (2 * batch, 0, 0, 0), (ROWS, 0, 0, 0)]
    assert len(created) == ROWS
    mine = await NeedService(session, clock).listed(
        PageRequest(), EntryFilters(), worker, mine=True
    )
    assert mine.total == ROWS


async def test_a_half_stored_offer_import_is_in_no_members_list_or_export(
    session: AsyncSession, clock: FakeClock
) -> None:
    member = await _identity(session, await make_user(session, Role.MEMBER))
    content = csv_bytes(
        OFFER_HEADERS, [offer_row(f"技能培训第{n}期") for n in range(ROWS)], "utf-8"
    )
    plan, checked = await _plan(session, clock, SheetKind.OFFERS, member, content)
    seen: list[tuple[int, int]] = []

    async def look(_stored: list[Offer]) -> None:
        mine = await OfferService(session, clock).list(
            PageRequest(), EntryFilters(), member, mine=True
        )
        exported = await matching_entries(
            session, SheetKind.OFFERS, EntryFilters(), member, mine=True
        )
        seen.append((mine.total, len(exported)))

    plan.batch_stored = look
    await _import(plan, checked, member)

    assert seen == [(0, 0)] * 3
    assert await _count(session, Offer) == ROWS


async def test_a_duplicate_found_in_a_later_batch_leaves_nothing_stored(
    session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _identity(
        session,
        await make_user(session, Role.STATION_WORKER, station=await make_station(session, YILE)),
    )
    titles = [f"以勒村第{n}号需求" for n in range(ROWS)]
    content = csv_bytes(NEED_HEADERS, [need_row(title) for title in titles], "utf-8")
    plan, checked = await _plan(session, clock, SheetKind.NEEDS, worker, content)
    late_title = titles[-1]

    async def someone_else_imports_the_last_title(_stored: list[Need]) -> None:
        plan.batch_stored = None
        one_row = csv_bytes(NEED_HEADERS, [need_row(late_title)], "utf-8")
        other, other_checked = await _plan(session, clock, SheetKind.NEEDS, worker, one_row)
        await other.check_duplicates(other_checked)
        await other.store(worker.actor(None), "other.csv")

    plan.batch_stored = someone_else_imports_the_last_title
    with pytest.raises(RowsRejected) as refused:
        await _import(plan, checked, worker)

    assert [(p.row, p.code) for p in refused.value.rows] == [(ROWS + 1, "duplicate")]
    assert await session.scalar(select(Need.title)) == late_title
    assert await _count(session, Need) == 1


async def test_the_sweep_deletes_batches_abandoned_an_hour_ago(
    session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _identity(
        session,
        await make_user(session, Role.STATION_WORKER, station=await make_station(session, YILE)),
    )
    content = csv_bytes(NEED_HEADERS, [need_row(f"需求{n}") for n in range(3)], "utf-8")
    plan, checked = await _plan(session, clock, SheetKind.NEEDS, worker, content)
    async with write_phase(session):
        await plan.check_duplicates(checked)
        stored = await plan.store(worker.actor(None), "crash.csv")
    stored[0].import_batch = "crashed-import"
    stored[1].import_batch = "import-in-progress"
    stored[0].created_at = clock() - staging.ABANDONED_AFTER - timedelta(minutes=1)
    stored[1].created_at = clock()
    await session.flush()

    removed = await staging.sweep(session, clock())

    assert removed == 1
    left = set(await session.scalars(select(Need.title)))
    assert left == {"需求1", "需求2"}
