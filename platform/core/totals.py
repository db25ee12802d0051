"""How many entries a list holds: counted exactly while that is cheap, estimated above that.

Counting costs a read of every matching row: 18,000 needs of one county take 30 ms on
PostgreSQL, more than the rest of the page. The planner already knows roughly how many rows a
filter keeps (its statistics, kept by ANALYZE): when that estimate reaches ``ESTIMATE_ABOVE``,
the list shows it as an estimate ("约 18,600 条") instead of counting; below it, and on SQLite
(which has no such estimate), the total is counted exactly. An estimate is rounded to a
hundred, so it never looks more exact than it is. Each worker remembers an estimate for a
minute (``PLANS``): statistics change only when ANALYZE runs.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from core.pagination import PageRequest, Slice
from core.recent import RecentAnswers, ShortMemory, remembered_total, statement_key

ESTIMATE_ABOVE = 5_000
"""Totals the planner expects at or above this are estimated, not counted."""
ROUNDED_TO = 100
PLAN_SECONDS = 60.0
MAX_PLANS = 1024

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Total:
    value: int
    estimated: bool = False

    def slice(self, items: list[T], request: PageRequest) -> Slice[T]:
        """The page of a list of this total, marked estimated where the total is."""
        return Slice.of(items, self.value, request, estimated=self.estimated)


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON)`` of a select, its parameters bound as the select binds them."""

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


PLANS: ShortMemory[Hashable, int] = ShortMemory(PLAN_SECONDS, MAX_PLANS)
"""The planner's estimates asked lately: they change only when ANALYZE renews the statistics,
and planning costs about as much as counting a few thousand rows."""


async def planned_rows(
    session: AsyncSession | async_scoped_session[AsyncSession], rows: Select[Any]
) -> int | None:
    """The planner's estimate of the rows a select returns; None where there is no planner
    to ask (SQLite)."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return None
    key = statement_key(rows)
    kept = PLANS.get(key)
    if kept is not None:
        return kept
    plan = await session.scalar(Explain(rows))
    found = json.loads(plan) if isinstance(plan, str) else plan
    planned = int(found[0]["Plan"]["Plan Rows"])
    PLANS.keep(key, planned)
    return planned


async def total_of(
    session: AsyncSession | async_scoped_session[AsyncSession],
    table: Any,
    conditions: Sequence[ColumnElement[bool]],
    totals: RecentAnswers[int] | None = None,
    *,
    estimate_above: int | None = None,
    unplanned: Sequence[ColumnElement[bool]] = (),
) -> Total:
    """How many rows of ``table`` (a model) meet ``conditions`` and ``unplanned``: the
    planner's estimate at or above ``estimate_above`` (``ESTIMATE_ABOVE``), else counted
    exactly. ``unplanned`` are conditions the planner cannot judge (a correlated lookup, which
    it guesses keeps 0.5% of the rows) and which keep most rows: the estimate leaves them out."""
    threshold = ESTIMATE_ABOVE if estimate_above is None else estimate_above
    planned = await planned_rows(
        session, select(literal_column("1")).select_from(table).where(*conditions)
    )
    if planned is not None and planned >= threshold:
        rounded = max(ROUNDED_TO, round(planned / ROUNDED_TO) * ROUNDED_TO)
        return Total(rounded, estimated=True)
    count = select(func.count()).select_from(table).where(*conditions, *unplanned)
    return Total(await remembered_total(session, count, totals))
