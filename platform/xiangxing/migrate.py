"""Run Alembic from code, on a connection of the app's own engine."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.paths import MIGRATIONS_DIR

UPGRADE_LOCK_KEY = 0x7869616E67  # "xiang": one PostgreSQL advisory lock for every upgrade


def compare_type(
    _context: object,
    _inspected_column: object,
    _metadata_column: object,
    _inspected_type: TypeEngine[object],
    metadata_type: TypeEngine[object],
) -> bool | None:
    """Advanced Alchemy's portable types (GUID, DateTimeUTC) reflect as their storage type on
    SQLite; they are not a change. Anything else: Alembic's own comparison."""
    if isinstance(metadata_type, TypeDecorator) and type(metadata_type).__module__.startswith(
        "advanced_alchemy."
    ):
        return False
    return None


def alembic_config(connection: Connection | None = None, database_url: str = "") -> Config:
    """Our migrations, on an open connection (or only a URL, for offline SQL output)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, lambda sync: command.upgrade(alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _migrate(engine, lambda sync: command.downgrade(alembic_config(sync), revision))


async def _migrate(engine: AsyncEngine, step: Callable[[Connection], None]) -> None:
    """Run a migration step in one transaction.

    SQLite enforces foreign keys row by row while Alembic's batch mode copies and drops
    tables, so they are switched off for the step (outside any transaction, where SQLite
    allows it) and every reference is checked before the transaction commits.
    """
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await _set_sqlite_foreign_keys(connection, enabled=False)
        try:
            async with connection.begin():
                await one_at_a_time(connection)
                await connection.run_sync(step)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        msg = f"migration left broken references: {broken[:5]}"
                        raise RuntimeError(msg)
        finally:
            if sqlite:
                await _set_sqlite_foreign_keys(connection, enabled=True)


async def one_at_a_time(connection: AsyncConnection) -> None:
    """Make the transaction just begun wait until no other upgrade's is running (PostgreSQL:
    two containers or workers starting together). The lock is the transaction's, taken on
    the connection that does the work: behind PgBouncer in transaction mode a session's lock
    could be taken on one server connection and released on another, and a lock held on a
    connection of its own could leave the work none to run on. SQLite: its transactions take
    the write lock first (`core.database.write_intent`)."""
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY}
        )


async def _set_sqlite_foreign_keys(connection: AsyncConnection, *, enabled: bool) -> None:
    raw = await connection.get_raw_connection()
    assert raw.driver_connection is not None, "an open connection has its driver's"
    await raw.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Write a new revision from the difference between the models and the database."""
    async with engine.connect() as connection:
        await connection.run_sync(
            lambda sync: command.revision(alembic_config(sync), message=message, autogenerate=True)
        )
