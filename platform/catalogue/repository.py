"""Queries both kinds of entry share: the review queue, the orders of the catalogue, the rows
of a page of entries."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, SQLColumnExpression, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.orm import InstrumentedAttribute

from catalogue.entry import EntryColumns
from catalogue.schemas import ListOrder
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


def list_order(
    model: type[EntryColumns],
    sort: ListOrder,
    *,
    deadline: InstrumentedAttribute[Any],
    urgency: InstrumentedAttribute[Any] | None = None,
) -> list[ColumnElement[Any]]:
    """The ORDER BY of a catalogue list. Each order leads with the column of an index
    ``(state, column, published_at)`` and ties by publication then id, in the index's own
    direction, so a page is read in index order and equal entries never swap between pages:
    newest first; largest amount first; soonest deadline first (the earlier published
    first among equals); most urgent first. A kind without urgency lists newest first."""
    published = model.published_at
    entry_id = model.id
    if sort is ListOrder.DEADLINE:
        return [deadline.asc(), published.asc(), entry_id.asc()]
    lead = {ListOrder.AMOUNT: model.amount, ListOrder.URGENCY: urgency}.get(sort)
    return [*([lead.desc()] if lead is not None else []), published.desc(), entry_id.desc()]


def rows_of_entries(
    columns: tuple[SQLColumnExpression[Any], ...],
    entry_id: SQLColumnExpression[UUID],
    order: SQLColumnExpression[Any],
) -> Select[Any]:
    """The rows (lines, served divisions) of a page of entries, each entry's in ``order``, as
    one select built once per kind: the entries' ids are one expanding parameter, so a request
    neither composes the statement nor coerces each id. ``columns`` lead with ``entry_id``."""
    return (
        select(*columns)
        .where(entry_id.in_(bindparam("entry_ids", expanding=True)))
        .order_by(entry_id, order)
    )


async def rows_by_entry(
    session: AsyncSession | async_scoped_session[AsyncSession],
    rows: Select[Any],
    entry_ids: Collection[UUID],
) -> dict[UUID, list[Row[Any]]]:
    """The rows of a page of entries (a select of ``rows_of_entries``) in one statement, every
    entry named, with or without rows."""
    found: dict[UUID, list[Row[Any]]] = {entry: [] for entry in entry_ids}
    if found:
        for row in await session.execute(rows, {"entry_ids": list(found)}):
            found[row[0]].append(row)
    return found
