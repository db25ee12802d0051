"""`MeiliSearch`: the backend on one Meilisearch index, its writes, rebuilds and searches."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence

from meilisearch_python_sdk import AsyncClient, AsyncIndex
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchTaskFailedError
from meilisearch_python_sdk.models.task import TaskInfo

from search.analysis import (
    query_plan,
)
from search.backend import SearchQuery, SearchResult
from search.documents import SearchDocument
from search.leniency import forgives
from search.meili.lenient import forgiven
from search.meili.translation import (
    ENGINE,
    INDEX_WAIT_MS,
    POLL_MS,
    PRIMARY_KEY,
    REBUILD_SUFFIX,
    WRITE_WAIT_MS,
    engine_key,
    index_settings,
    meili_document,
    search_request,
    search_result,
)


class MeiliSearch:
    """`search.backend.SearchBackend` on one Meilisearch index. Unreachable, every method
    raises (the caller falls back to the database) but `health`, which answers False."""

    engine = ENGINE

    def __init__(
        self, url: str, api_key: str | None, index_name: str = "xiangxing", timeout: float = 5
    ) -> None:
        self.index_name = index_name
        self._client = AsyncClient(url, api_key, timeout=timeout)  # type: ignore[arg-type]
        self._index = self._client.index(index_name)
        self._prepared = False

    async def _wait(self, task: TaskInfo, timeout_ms: int) -> None:
        result = await self._client.wait_for_task(
            task.task_uid, timeout_in_ms=timeout_ms, interval_in_ms=POLL_MS
        )
        if result.status != "succeeded":
            error = result.error or {}
            msg = (
                f"task {result.uid} ({result.task_type}) on {result.index_uid} {result.status}:"
                f" {error.get('code')}: {error.get('message')}"
            )
            raise MeilisearchTaskFailedError(msg)

    async def _ensure(self, uid: str) -> AsyncIndex:
        try:
            return await self._client.get_index(uid)
        except MeilisearchApiError as error:
            if error.code != "index_not_found":
                raise
        return await self._client.create_index(uid, PRIMARY_KEY, timeout_in_ms=INDEX_WAIT_MS)

    async def _configure(self, index: AsyncIndex) -> None:
        rules = await index.get_ranking_rules()
        await self._wait(await index.update_settings(index_settings(rules)), INDEX_WAIT_MS)

    async def _add(
        self, index: AsyncIndex, documents: Iterable[SearchDocument], timeout_ms: int
    ) -> None:
        batch = [
            meili_document(document)
            for document in {document.id: document for document in documents}.values()
        ]
        if batch:
            await self._wait(await index.add_documents(batch, PRIMARY_KEY), timeout_ms)

    async def prepare(self) -> None:
        """Create the index if missing and apply the settings (Meilisearch reindexes only when
        they changed)."""
        await self._configure(await self._ensure(self.index_name))
        self._prepared = True

    async def _live(self) -> AsyncIndex:
        """The live index for a write, prepared first while no `prepare` has succeeded (one
        fails at start-up while the engine is down): Meilisearch would create a missing index
        on the write, without these settings."""
        if not self._prepared:
            await self.prepare()
        return self._index

    async def rebuild(self, batches: AsyncIterable[Sequence[SearchDocument]]) -> int:
        """Index the batches into ``<name>_rebuild`` (dropping what a failed rebuild left), then
        swap it with the live index, which answers meanwhile, and drop the old one."""
        staging = self.index_name + REBUILD_SUFFIX
        await self._ensure(self.index_name)
        await self._client.delete_index_if_exists(staging)
        target = await self._ensure(staging)
        await self._configure(target)
        count = 0
        async for batch in batches:
            await self._add(target, batch, INDEX_WAIT_MS)
            count += len(batch)
        swap = await self._client.swap_indexes([(self.index_name, staging)])
        await self._wait(swap, INDEX_WAIT_MS)
        self._prepared = True
        await self._client.delete_index_if_exists(staging)
        return count

    async def upsert(self, documents: Iterable[SearchDocument]) -> None:
        await self._add(await self._live(), documents, WRITE_WAIT_MS)

    async def delete(self, ids: Iterable[str]) -> None:
        keys = [engine_key(id_) for id_ in dict.fromkeys(ids)]
        if keys:
            index = await self._live()
            await self._wait(await index.delete_documents(keys), WRITE_WAIT_MS)

    async def clear(self) -> None:
        index = await self._live()
        await self._wait(await index.delete_all_documents(), WRITE_WAIT_MS)

    async def count(self) -> int:
        return (await self._index.get_stats()).number_of_documents

    async def health(self) -> bool:
        try:
            health = await self._client.health()
        except Exception:
            return False
        return health.status == "available"

    async def search(self, query: SearchQuery) -> SearchResult:
        plan = query_plan(query.text)
        found = await self._index.search(**search_request(query, plan))
        result = search_result(query, plan, found)
        if not forgives(plan, result.total, query.page_size):
            return result
        return await forgiven(self._index, query, plan, result)

    async def close(self) -> None:
        await self._client.aclose()
