"""The money by month of the counted agreements at once: ``month_money_rollup`` holds the
month rows (``agreement_month_money``) of every agreement signed or later summed per month and
per the agreement's year, county, category and programme, so the money by month reads a few
rows per month instead of one per agreement and month.

It changes exactly where its sum does, in the same transaction: an append (only a signed or
later agreement takes entries) adds the difference between the agreement's month rows before
and after (``funds.summary.write_summary``, the agreement row locked); a termination, the one
way out of the counted states, takes the agreement's month rows out (``withdraw_terminated``,
on ``agreements.termination``'s announcement). An agreement's year, county, category and
programme are settled before it takes entries. ``xiangxing ledger verify`` recomputes the
rollup from the ledger and names any difference (``monitoring.summary_check``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, Select, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from agreements.schemas import AgreementFilters
from agreements.termination import AGREEMENT_TERMINATED, AgreementTerminated
from core.columns import ZERO
from funds.models import FIGURES, MonthMoney, MonthRollup

Months = dict[str, dict[str, Decimal]]
"""An agreement's figures per month (``YYYY-MM``)."""
KEY = ("month", "year", "county_code", "category", "programme")


def rollup_key(agreement: Agreement) -> dict[str, object]:
    return {
        "year": agreement.year,
        "county_code": agreement.county_code or "",
        "category": agreement.category,
        "programme": agreement.programme,
    }


async def shift_rollup(
    session: AsyncSession, agreement: Agreement, before: Months, after: Months
) -> None:
    """Add what the agreement's month rows gained or lost, month by month in order (appends
    to agreements of one key take the rollup rows in the same order, never crosswise)."""
    changes = []
    for month in sorted(before.keys() | after.keys()):
        change = {
            name: after.get(month, {}).get(name, ZERO) - before.get(month, {}).get(name, ZERO)
            for name in FIGURES
        }
        if any(change.values()):
            changes.append({"month": month, **rollup_key(agreement), **change})
    if not changes:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(MonthRollup)
    added = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={name: MonthRollup.__table__.c[name] + statement.excluded[name] for name in FIGURES},
    )
    await session.execute(added, changes)


async def withdraw_terminated(session: AsyncSession, terminated: AgreementTerminated) -> None:
    """A terminated agreement's money leaves the figures: its month rows out of the rollup."""
    agreement = terminated.agreement
    rows = await session.execute(
        select(MonthMoney.month, *(MonthMoney.__table__.c[name] for name in FIGURES)).where(
            MonthMoney.agreement_id == agreement.id
        )
    )
    before = {row.month: {name: getattr(row, name) for name in FIGURES} for row in rows}
    await shift_rollup(session, agreement, before, {})


def register() -> None:
    AGREEMENT_TERMINATED.listen(withdraw_terminated)


def rollup_conditions(filters: AgreementFilters) -> list[ColumnElement[bool]]:
    """The agreements' filters of the stats (year, county, category, programme) on the
    rollup's key."""
    conditions: list[ColumnElement[bool]] = []
    if filters.year is not None:
        conditions.append(MonthRollup.year == filters.year)
    if filters.county is not None:
        conditions.append(MonthRollup.county_code == filters.county)
    if filters.category is not None:
        conditions.append(MonthRollup.category == filters.category)
    if filters.programme is not None:
        conditions.append(MonthRollup.programme == filters.programme)
    return conditions


def expected_rollup() -> Select[tuple]:
    """What the rollup must hold: the counted agreements' month rows summed per month and
    agreement key."""
    money = MonthMoney.__table__
    keys = (
        money.c.month,
        Agreement.year,
        func.coalesce(Agreement.county_code, "").label("county_code"),
        Agreement.category,
        Agreement.programme,
    )
    return (
        select(*keys, *(func.sum(money.c[name]).label(name) for name in FIGURES))
        .join(Agreement, Agreement.id == money.c.agreement_id)
        .where(Agreement.state.in_(SIGNED_OR_LATER))
        .group_by(*keys)
    )


async def rebuild_rollup(session: AsyncSession | AsyncConnection) -> None:
    """The rollup made again from the month rows (after month rows were loaded in bulk)."""
    await session.execute(delete(MonthRollup))
    await session.execute(insert(MonthRollup).from_select([*KEY, *FIGURES], expected_rollup()))
