"""The search engine and the in-app indexer over an app's life: built from the settings,
opened at start-up, closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar

from core.clock import Clock, local_date
from core.settings import Settings
from search.backend import SearchBackend
from search.embedded import EmbeddedSearch
from search.indexer import Indexer
from search.service import EngineWatch

logger = logging.getLogger(__name__)


def build_backend(settings: Settings) -> SearchBackend:
    """Meilisearch when a URL is configured, else the embedded engine under ``var/search``."""
    if settings.search_url:
        from search.meili import MeiliSearch  # its client costs a worker 30 MB the demo never uses

        key = settings.search_api_key.get_secret_value() or None
        return MeiliSearch(settings.search_url, key, settings.search_index)
    return EmbeddedSearch(settings.search_dir)


class SearchRuntime:
    def __init__(self, settings: Settings, db_config: SQLAlchemyAsyncConfig, clock: Clock) -> None:
        self.settings = settings
        self.backend = build_backend(settings)
        self.watch = EngineWatch()
        self.session_maker = db_config.create_session_maker()
        self.indexer = Indexer(self.session_maker, self.backend, today=lambda: local_date(clock()))
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, _app: Litestar) -> None:
        """Prepare the index (an unreachable engine is not fatal: search falls back, the
        outbox waits) and start the indexer unless a separate worker does the draining."""
        try:
            await self.backend.prepare()
        except Exception as exc:
            logger.warning("search engine not ready at start-up: %s", exc)
            self.watch.failed()
        if self.settings.search_indexer:
            self._task = asyncio.create_task(self.indexer.run(self._stop))

    async def stop(self, _app: Litestar) -> None:
        if self._task is not None:
            self._stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.backend.close()
