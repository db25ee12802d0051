"""List totals: counted exactly below the threshold, the planner's estimate (rounded, marked
as estimated) at or above it on PostgreSQL; SQLite always counts."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import totals
from core.recent import RecentAnswers, remembered_total
from core.totals import ROUNDED_TO, total_of
from regions.models import Region


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def test_a_short_list_is_counted_exactly(session: AsyncSession) -> None:
    conditions = [Region.code.like("5306%")]
    counted = await session.scalar(select(func.count()).select_from(Region).where(*conditions))
    assert counted
    found = await total_of(session, Region, conditions)
    assert found.value == counted
    assert not found.estimated


async def test_a_long_list_is_estimated_on_postgresql_and_counted_elsewhere(
    session: AsyncSession,
) -> None:
    conditions = [Region.code.like("5306%")]
    counted = await session.scalar(select(func.count()).select_from(Region).where(*conditions))
    found = await total_of(session, Region, conditions, estimate_above=1)
    if _postgres(session):
        assert found.estimated
        assert found.value >= ROUNDED_TO
        assert found.value % ROUNDED_TO == 0
    else:
        assert not found.estimated
        assert found.value == counted


async def test_the_catalogue_says_about_when_the_total_is_estimated(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = await client.get("/catalogue")
    assert "共 0 条" in exact.text
    monkeypatch.setattr(totals, "ESTIMATE_ABOVE", 0)
    page = await client.get("/catalogue")
    assert page.status_code == 200
    if _postgres(session):
        assert "约 100 条" in page.text
    else:
        assert "共 0 条" in page.text


async def test_remembered_totals_are_kept_apart_by_every_filter_value(
    session: AsyncSession,
) -> None:
    """A remembered total answers only the same question: another county, or another set
    of codes, is counted afresh."""
    memory: RecentAnswers[int] = RecentAnswers()

    def count(*conditions: ColumnElement[bool]) -> Select[tuple[int]]:
        return select(func.count()).select_from(Region).where(*conditions)

    async def counted(*conditions: ColumnElement[bool]) -> int | None:
        return await session.scalar(count(*conditions))

    questions = [
        (Region.code.like("5306%"),),
        (Region.code.like("530602%"),),
        (Region.code.in_(["530602000000", "530621000000"]),),
        (Region.code.in_(["530602000000"]),),
    ]
    for conditions in questions * 2:
        assert await remembered_total(session, count(*conditions), memory) == await counted(
            *conditions
        )
