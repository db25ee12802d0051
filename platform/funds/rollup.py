"""The money by month of many agreements at once: ``month_money_rollup`` holds every
agreement's month rows (``agreement_month_money``) summed per month and per the agreement's
year, county, category and programme, whatever the agreement's state.

It changes only where the month rows do: ``funds.summary.write_summary`` adds the difference
between an agreement's month rows before and after an append, in the entry's transaction with
the agreement row locked, so the rollup always equals the month rows summed by key
(``expected_rollup``, which ``xiangxing ledger verify`` compares it with). An agreement's
year, county, category and programme are settled before it takes entries, and its state is
not part of the key: the figures, which count only agreements signed or later, take the
rollup less the month rows of the few agreements not counted (``monitoring.figures``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, Select, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from agreements.models import Agreement
from agreements.schemas import AgreementFilters
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
    """What the rollup must hold: the month rows summed per month and agreement key."""
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
        .group_by(*keys)
    )


async def rebuild_rollup(session: AsyncSession | AsyncConnection) -> None:
    """The rollup made again from the month rows (after month rows were loaded in bulk)."""
    await session.execute(delete(MonthRollup))
    await session.execute(insert(MonthRollup).from_select([*KEY, *FIGURES], expected_rollup()))
