"""``xiangxing search …``: apply the engine's settings, run the indexer as its own process,
rebuild the index, show the backlog."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import utc_now
from search.backend import SearchBackend
from search.indexer import Indexer, backlog, reindex
from search.runtime import build_backend
from xiangxing.cli_support import settings_or_exit, with_engine

T = TypeVar("T")


async def _with_search(
    action: Callable[[async_sessionmaker[AsyncSession], SearchBackend], Awaitable[T]],
) -> T:
    backend = build_backend(settings_or_exit())

    async def run(engine: AsyncEngine) -> T:
        try:
            return await action(async_sessionmaker(engine, expire_on_commit=False), backend)
        finally:
            await backend.close()

    return await with_engine(run)


@click.group("search")
def search_group() -> None:
    """The search index: settings, indexer, rebuild."""


@search_group.command("setup")
def setup() -> None:
    """Create the index and apply its settings (idempotent; fails loudly on a refused task)."""

    async def action(_sessions: async_sessionmaker[AsyncSession], backend: SearchBackend) -> str:
        await backend.prepare()
        return backend.engine

    click.echo(f"search index ready ({asyncio.run(_with_search(action))})")


@search_group.command("worker")
def worker() -> None:
    """Drain the outbox into the engine until stopped (Ctrl-C or SIGTERM); any number may run
    beside each other and beside the app (set XIANGXING_SEARCH_INDEXER=false on the app)."""

    async def action(sessions: async_sessionmaker[AsyncSession], backend: SearchBackend) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        with contextlib.suppress(Exception):
            await backend.prepare()
        await Indexer(sessions, backend).run(stop)

    click.echo("search worker running; stop with Ctrl-C")
    asyncio.run(_with_search(action))


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the database into a new index, then swap it in (no downtime)."""

    async def action(sessions: async_sessionmaker[AsyncSession], backend: SearchBackend) -> int:
        return await reindex(sessions, backend)

    click.echo(f"reindexed {asyncio.run(_with_search(action))} documents")


@search_group.command("status")
def status() -> None:
    """Outbox backlog and the engine's document count, in one line; exit 1 if either the
    database or the engine does not answer (its state is the line, not a traceback)."""

    async def action(
        sessions: async_sessionmaker[AsyncSession], backend: SearchBackend
    ) -> tuple[str, bool]:
        try:
            async with sessions() as session:
                pending = await backlog(session, utc_now())
        except Exception as exc:
            return _unavailable("database", exc), False
        oldest = pending.oldest_pending_seconds
        age = "-" if oldest is None else f"{oldest:.0f} s"
        waiting = f"pending changes: {pending.pending}; oldest pending: {age}"
        try:
            documents = await backend.count()
        except Exception as exc:
            return f"{_unavailable(f'search engine ({backend.engine})', exc)}; {waiting}", False
        return f"documents: {documents}; {waiting}", True

    line, answered = asyncio.run(_with_search(action))
    click.echo(line)
    if not answered:
        raise click.exceptions.Exit(1)


def _unavailable(what: str, error: Exception) -> str:
    """``<what> unavailable (<error type>: <first line of its message>)``."""
    first_line = next(iter(str(error).splitlines()), "")
    return f"{what} unavailable ({type(error).__name__}: {first_line[:200]})"
