"""Agreement numbers: ``ZT-<year>-<4 digits>``, gapless per year even when a creation rolls
back, and unique and gapless under 50 creations at once (PostgreSQL, whose row locks make
them take turns)."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.identity import Identity
from accounts.models import Department, Organization, Role, User
from agreements.drafting import AgreementDrafting
from agreements.models import Agreement, AgreementCounter
from agreements.numbering import format_number, next_number
from agreements.schemas import LineIn, PaperAgreementCreate
from core.audit import Actor, AuditEntry
from search.models import SearchOutbox
from tests.conftest import FakeClock
from tests.factories import make_organization, make_user

ACTOR = Actor(user_id=None, username="test", role="reviewer", ip=None)
CONCURRENT = 50


def reviewer_identity(user: User) -> Identity:
    return Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset({Role.REVIEWER}),
        organization_id=None,
        station_id=None,
        township_code=None,
        department_id=user.department_id,
        reviewer_categories=frozenset(),
        affiliation_name="",
        must_change_password=False,
    )


def paper(organization_id: UUID) -> PaperAgreementCreate:
    return PaperAgreementCreate(
        title="镇雄县产业帮扶协议",
        programme="industry",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 12, 31),
        organization_id=organization_id,
        category="industry",
        region_code="530627000000",
        lines=[LineIn(kind="funds", amount="100000")],
    )


def test_numbers_have_four_digits() -> None:
    assert format_number(2026, 7) == "ZT-2026-0007"
    assert format_number(2027, 1234) == "ZT-2027-1234"


async def test_each_year_counts_from_one(session: AsyncSession) -> None:
    assert [await next_number(session, 2026) for _ in range(3)] == [
        "ZT-2026-0001",
        "ZT-2026-0002",
        "ZT-2026-0003",
    ]
    assert await next_number(session, 2027) == "ZT-2027-0001"


async def test_a_creation_rolled_back_leaves_no_gap(
    session: AsyncSession, clock: FakeClock
) -> None:
    organization = await make_organization(session)
    reviewer = reviewer_identity(await make_user(session, Role.REVIEWER))
    service = AgreementDrafting(session, clock)
    failed = await session.begin_nested()
    lost = await service.enter_from_paper(paper(organization.id), reviewer, ACTOR)
    assert lost.number == "ZT-2026-0001"
    await failed.rollback()
    kept = await service.enter_from_paper(paper(organization.id), reviewer, ACTOR)
    assert kept.number == "ZT-2026-0001"


async def _create_in_own_session(
    engine: AsyncEngine, clock: FakeClock, organization_id: UUID, reviewer: Identity
) -> str:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        agreement = await AgreementDrafting(session, clock).enter_from_paper(
            paper(organization_id), reviewer, ACTOR
        )
        await session.commit()
        return agreement.number


async def test_fifty_creations_at_once_get_fifty_numbers_in_a_row(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent creations queue on the counter's row lock: a PostgreSQL test")
    async with AsyncSession(engine, expire_on_commit=False) as session:
        organization = await make_organization(session, "东西部协作并发测试促进会")
        user = await make_user(session, Role.REVIEWER, username="numbering_reviewer")
        await session.commit()
    try:
        numbers = await asyncio.gather(
            *(
                _create_in_own_session(engine, clock, organization.id, reviewer_identity(user))
                for _ in range(CONCURRENT)
            )
        )
        assert sorted(numbers) == [format_number(2026, n) for n in range(1, CONCURRENT + 1)]
        async with AsyncSession(engine) as session:
            stored = list(await session.scalars(select(Agreement.number)))
        assert sorted(stored) == sorted(numbers)
    finally:
        async with engine.begin() as connection:
            await connection.execute(delete(Agreement))
            await connection.execute(delete(AgreementCounter))
            await connection.execute(delete(AuditEntry))
            await connection.execute(delete(SearchOutbox))
            await connection.execute(delete(User).where(User.id == user.id))
            await connection.execute(delete(Department).where(Department.id == user.department_id))
            await connection.execute(delete(Organization).where(Organization.id == organization.id))
