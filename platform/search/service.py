"""Who answers a search: the engine, or the database while the engine is unreachable.

After a failure the engine is left alone for a short pause (every request would otherwise
wait for a timeout), then tried again; answers in the meantime come from the database and
say so (`SearchResult.degraded`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

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
        self, backend: SearchBackend, watch: EngineWatch, session: AsyncSession, today: date
    ) -> None:
        self.backend = backend
        self.watch = watch
        self.session = session
        self.today = today

    async def search(self, query: SearchQuery) -> SearchResult:
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
        return await search_database(self.session, query, self.today)
