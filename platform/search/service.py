"""Who answers a search: the engine, or the database while the engine is unreachable; and
popular questions asked again within two seconds are answered from the app's memory.

After a failure the engine is left alone for a short pause (every request would otherwise
wait for a timeout), then tried again; answers in the meantime come from the database and
say so (`SearchResult.degraded`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from core.recent import RecentAnswers
from search.backend import SearchBackend, SearchQuery, SearchResult
from search.fallback import search_database

logger = logging.getLogger(__name__)

PAUSE_AFTER_FAILURE_SECONDS = 10.0


@dataclass
class EngineWatch:
    """Shared by an app's requests: when the engine may be asked again."""

    retry_at: float = 0.0

    def usable(self) -> bool:
        return time.monotonic() >= self.retry_at

    def failed(self) -> None:
        self.retry_at = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS


class SearchService:
    def __init__(
        self,
        backend: SearchBackend,
        watch: EngineWatch,
        session_maker: Callable[[], AsyncSession],
        today: date,
        memory: RecentAnswers[object] | None = None,
    ) -> None:
        self.backend = backend
        self.watch = watch
        self.session_maker = session_maker
        """Where the database answers from, opened only then: a request the engine answers
        needs no session (making and committing one cost about 0.25 ms of the 2-3 ms a
        search request costs in-process)."""
        self.today = today
        self.memory = memory
        """The app's recent search answers (`core.recent`); None to always ask anew."""

    async def search(self, query: SearchQuery) -> SearchResult:
        """The answer to the query, or the same answer given in the last two seconds."""
        if self.memory is None:
            return await self._answer(query)
        return await self.memory.get(query, lambda: self._answer(query))  # type: ignore[return-value]

    async def _answer(self, query: SearchQuery) -> SearchResult:
        if self.watch.usable():
            try:
                return await self.backend.search(query)
            except Exception as exc:
                logger.warning(
                    "search engine %s failed, answering from the database: %s",
                    self.backend.engine,
                    exc,
                )
                self.watch.failed()
        async with self.session_maker() as session:
            return await search_database(session, query, self.today)
