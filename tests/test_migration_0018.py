"""Migration 0018 adds the photos of progress reports and who returned a report, and takes
them away again on a downgrade, keeping the reports."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from xiangxing import migrate
from xiangxing.setup import upgrade_database

REVISION = "0018"


async def _schema(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    """The tables, and the columns of ``progress_report``."""

    def read(sync: object) -> tuple[set[str], set[str]]:
        found = inspect(sync)
        columns = {column["name"] for column in found.get_columns("progress_report")}
        return set(found.get_table_names()), columns

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_0018_adds_report_photos_and_takes_them_away(scratch_engine: AsyncEngine) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(REVISION)
    assert script is not None
    previous = script.down_revision
    assert isinstance(previous, str)
    await upgrade_database(scratch_engine, previous)
    tables, columns = await _schema(scratch_engine)
    assert "report_photo" not in tables
    assert "returned_by_id" not in columns

    await migrate.upgrade(scratch_engine, REVISION)
    tables, columns = await _schema(scratch_engine)
    assert "report_photo" in tables
    assert {"returned_by_id", "returned_at"} <= columns

    await migrate.downgrade(scratch_engine, previous)
    tables, columns = await _schema(scratch_engine)
    assert "report_photo" not in tables
    assert "progress_report" in tables
    assert "returned_by_id" not in columns
