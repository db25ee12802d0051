"""Migrations go up and down on a database of their own, and match the models exactly."""

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, null, select
from sqlalchemy.ext.asyncio import AsyncEngine

from funds.models import FIGURES, AgreementMoney, LedgerOpenItem, MonthMoney, OpenItemKind
from tests.funds.scratch import funded_agreement
from xiangxing import migrate
from xiangxing.models import metadata
from xiangxing.setup import upgrade_database

HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _schema_differences(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": migrate.compare_type}),
                metadata,
            )
        )


async def _money_rows(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """The agreement's whole row (month ``None``) and its month rows, without their ids."""
    async with engine.connect() as connection:
        rows = [
            *await connection.execute(
                select(AgreementMoney.agreement_id, null(), *_figures(AgreementMoney))
            ),
            *await connection.execute(
                select(MonthMoney.agreement_id, MonthMoney.month, *_figures(MonthMoney))
            ),
        ]
    return sorted((tuple(row) for row in rows), key=lambda row: str(row[1]))


async def _open_items(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(LedgerOpenItem.entry_id, LedgerOpenItem.kind, LedgerOpenItem.recorded_at)
        )
    return [tuple(row) for row in rows]


def _figures(model: type[AgreementMoney | MonthMoney]) -> list[object]:
    return [getattr(model, name) for name in FIGURES]


async def test_upgrade_down_to_base_and_up_again(scratch_engine: AsyncEngine) -> None:
    assert await migrate.current_revision(scratch_engine) is None

    await migrate.upgrade(scratch_engine)
    assert await migrate.current_revision(scratch_engine) == HEAD
    assert "region" in await _tables(scratch_engine)

    await migrate.downgrade(scratch_engine, "base")
    assert await migrate.current_revision(scratch_engine) is None
    assert await _tables(scratch_engine) <= {"alembic_version"}

    await migrate.upgrade(scratch_engine)
    assert await migrate.current_revision(scratch_engine) == HEAD


async def test_migrations_build_exactly_the_models(scratch_engine: AsyncEngine) -> None:
    await migrate.upgrade(scratch_engine)
    assert await _schema_differences(scratch_engine) == []


async def test_upgrade_loads_the_reference_data_and_is_safe_to_repeat(
    scratch_engine: AsyncEngine,
) -> None:
    assert await upgrade_database(scratch_engine) == {"regions": 1564, "categories": 30}
    assert await upgrade_database(scratch_engine) == {"regions": 0, "categories": 0}


async def test_the_money_summary_and_open_items_are_filled_from_the_ledgers_already_written(
    scratch_engine: AsyncEngine,
) -> None:
    await funded_agreement(scratch_engine)
    kept = await _money_rows(scratch_engine)
    assert [row[2:4] for row in kept] == [(Decimal("1000.00"), Decimal("600.00"))] * 2

    waiting = await _open_items(scratch_engine)
    assert [row[1] for row in waiting] == [OpenItemKind.UNANSWERED]  # the 600 disbursed

    await migrate.downgrade(scratch_engine, "0019")
    await migrate.upgrade(scratch_engine)
    assert await _money_rows(scratch_engine) == kept
    assert await _open_items(scratch_engine) == waiting
