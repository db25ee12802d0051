"""What every command needs: valid settings (or a clear error) and a database engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.database import create_engine
from core.settings import Settings, get_settings

T = TypeVar("T")


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc


async def with_engine(action: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    engine = create_engine(settings_or_exit())
    try:
        return await action(engine)
    finally:
        await engine.dispose()


async def in_transaction(action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run the action in one transaction, committed only if it succeeds."""

    async def run(engine: AsyncEngine) -> T:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            result = await action(session)
            await session.commit()
            return result

    return await with_engine(run)
