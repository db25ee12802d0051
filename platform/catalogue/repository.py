"""Queries both kinds of entry share: the review queue."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.entry import EntryColumns
from core.pagination import PageRequest, Slice

E = TypeVar("E", bound=EntryColumns)


async def oldest_first(
    session: AsyncSession, model: type[E], page: PageRequest, *conditions: ColumnElement[bool]
) -> Slice[E]:
    """A page of entries waiting longest first (submitted, else created), paged in SQL so a
    long queue never hides its oldest entries."""
    waited_since = func.coalesce(model.submitted_at, model.created_at)  # type: ignore[attr-defined]
    total = await session.scalar(select(func.count()).select_from(model).where(*conditions))
    rows = await session.scalars(
        select(model)
        .where(*conditions)
        .order_by(waited_since, model.id)
        .limit(page.page_size)
        .offset(page.offset)
    )
    return Slice.of(list(rows.unique()), total or 0, page)
