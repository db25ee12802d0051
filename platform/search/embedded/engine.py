"""`EmbeddedSearch`: the backend itself, its threads, connections and generations."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from search.analysis import (
    QueryPlan,
    query_plan,
)
from search.backend import SearchQuery, SearchResult, Sort
from search.documents import SearchDocument
from search.embedded.columns import Columns
from search.embedded.lenient import find
from search.embedded.ranking import hits_of, ranked
from search.embedded.storage import (
    create_schema,
    delete_ids,
    in_transaction,
    insert_documents,
    open_index,
    rows_of,
)

T = TypeVar("T")

ENGINE = "embedded"
POINTER = "CURRENT"
FIRST_GENERATION = "index-0.db"
READER_THREADS = 4


class EmbeddedSearch:
    """`search.backend.SearchBackend` on a SQLite file of its own (never the app's database)."""

    engine = ENGINE

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-writer")
        self._readers = ThreadPoolExecutor(
            max_workers=READER_THREADS, thread_name_prefix="search-reader"
        )
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._schema_ready: asyncio.Future[None] | None = None
        self._pointer: tuple[tuple[int, int], Path] | None = None
        self._columns: Columns | None = None
        self._columns_lock = threading.Lock()

    def live_file(self) -> Path:
        """The generation ``CURRENT`` names (the first one while there is no pointer yet); one
        ``stat`` per call, the pointer is read again only when it was replaced."""
        pointer = self.directory / POINTER
        try:
            status = pointer.stat()
        except FileNotFoundError:
            return self.directory / FIRST_GENERATION
        key = (status.st_ino, status.st_mtime_ns)
        if self._pointer is None or self._pointer[0] != key:
            self._pointer = (key, self.directory / pointer.read_text(encoding="utf-8").strip())
        return self._pointer[1]

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the live generation, (re)opened when it changed."""
        live = self.live_file()
        opened: tuple[Path, sqlite3.Connection] | None = getattr(self._local, "opened", None)
        if opened is not None and opened[0] == live:
            return opened[1]
        connection = open_index(live)
        with self._connections_lock:
            if opened is not None:
                self._connections.remove(opened[1])
                opened[1].close()
            self._connections.append(connection)
        self._local.opened = (live, connection)
        return connection

    async def _run(self, executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        if self._schema_ready is None or (
            self._schema_ready.done() and self._schema_ready.exception() is not None
        ):
            # A failure (the directory not writable yet) is retried on the next call.
            self._schema_ready = asyncio.ensure_future(self._in(self._writer, self._create_schema))
        await self._schema_ready
        return await self._in(executor, work)

    @staticmethod
    async def _in(executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, work)

    def _create_schema(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        create_schema(self._connection())

    def _write(self, statements: Callable[[sqlite3.Connection], None]) -> None:
        in_transaction(self._connection(), statements)

    async def prepare(self) -> None:
        """Create the directory and the first generation if missing."""
        await self._run(self._writer, lambda: None)

    async def upsert(self, documents: Iterable[SearchDocument]) -> None:
        batch = list({document.id: document for document in documents}.values())
        if batch:
            prepared = [(document, *rows_of(document)) for document in batch]

            def statements(connection: sqlite3.Connection) -> None:
                delete_ids(connection, [document.id for document in batch])
                insert_documents(connection, prepared)

            await self._run(self._writer, lambda: self._write(statements))

    async def delete(self, ids: Iterable[str]) -> None:
        batch = list(dict.fromkeys(ids))
        if batch:
            await self._run(self._writer, lambda: self._write(lambda c: delete_ids(c, batch)))

    async def clear(self) -> None:
        def statements(connection: sqlite3.Connection) -> None:
            for table in ("document", "document_region", "document_fts", "vocabulary"):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

        await self._run(self._writer, lambda: self._write(statements))

    async def rebuild(self, batches: AsyncIterable[Sequence[SearchDocument]]) -> int:
        """Build a new generation from the batches, then make it live; returns its size."""
        await self.prepare()
        target = self.directory / f"index-{time.time_ns()}.db"
        connection = await asyncio.to_thread(open_index, target)
        count = 0
        try:
            await asyncio.to_thread(create_schema, connection)
            async for batch in batches:
                prepared = [(document, *rows_of(document)) for document in batch]
                write = partial(in_transaction, connection)
                await asyncio.to_thread(write, lambda c: insert_documents(c, prepared))  # noqa: B023 (awaited at once)
                count += len(batch)
            await asyncio.to_thread(connection.execute, "PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await asyncio.to_thread(connection.close)
        await asyncio.to_thread(self._make_live, target)
        return count

    def _make_live(self, target: Path) -> None:
        """Point ``CURRENT`` at the target atomically, then delete the generations older than
        the one it replaces (that one may still be open in another process for a moment)."""
        replaced = self.live_file()
        pointer = self.directory / POINTER
        staged = pointer.with_suffix(".new")
        staged.write_text(target.name, encoding="utf-8")
        os.replace(staged, pointer)
        keep = {target.name, replaced.name}
        for path in self.directory.glob("index-*.db*"):
            if path.name.split(".db")[0] + ".db" not in keep:
                path.unlink(missing_ok=True)

    async def count(self) -> int:
        return await self._run(
            self._readers,
            lambda: self._connection().execute("SELECT count(*) FROM document").fetchone()[0],
        )

    async def health(self) -> bool:
        try:
            await self._run(
                self._readers,
                lambda: self._connection().execute("SELECT 1 FROM document LIMIT 1").fetchall(),
            )
        except sqlite3.Error:
            return False
        return True

    async def search(self, query: SearchQuery) -> SearchResult:
        plan = query_plan(query.text)
        return await self._run(self._readers, lambda: self._search(query, plan))

    def _search(self, query: SearchQuery, plan: QueryPlan) -> SearchResult:
        """One read transaction, so the FTS matches and the snapshot see the same commits."""
        connection = self._connection()
        path, _ = self._local.opened
        connection.execute("BEGIN")
        try:
            columns = self._columns_of(path, connection)
            passing = columns.passing(query.filters)
            matches = find(connection, columns, plan, passing, query.page_size)
            plan, every = matches.plan, matches.every
            count = query.offset + query.page_size
            if plan.is_empty or query.sort is not Sort.RELEVANCE:
                sort = Sort.NEWEST if query.sort is Sort.RELEVANCE else query.sort
                first = columns.first(every, sort, count)
                if len(first) < count and len(matches.most):
                    more = columns.first(matches.most, sort, count - len(first))
                    first = np.concatenate([first, more])
                scores = np.zeros(len(first))
            else:
                assert every is not None
                first, scores = ranked(connection, columns, plan, every, count)
                if len(first) < count and len(matches.most):
                    floor = scores.min() if len(scores) and scores.min() > 0 else 1.0
                    more = matches.most[: count - len(first)]
                    first = np.concatenate([first, more])
                    scores = np.concatenate([scores, matches.shares[: len(more)] * floor])
            page = first[query.offset :]
            hits = hits_of(connection, columns.seq[page], scores[query.offset :], plan)
        finally:
            connection.execute("COMMIT")
        found = None if every is None else np.concatenate([every, matches.most])
        return SearchResult(
            hits=hits,
            total=len(columns.seq) if found is None else len(found),
            facets=columns.facets(found, query.facets),
            page=query.page,
            page_size=query.page_size,
            engine=ENGINE,
            broadened=bool(len(matches.most)),
            did_you_mean=plan.query if matches.corrected else None,
        )

    def _columns_of(self, path: Path, connection: sqlite3.Connection) -> Columns:
        """The snapshot of what this read transaction sees: the shared one, brought up to date
        when a write (from any process) committed since, loaded afresh for a new generation.
        A transaction older than the shared snapshot starts again rather than go back."""
        while True:
            (version,) = connection.execute(
                "SELECT ifnull(max(id), 0) FROM document_change"
            ).fetchone()
            columns = self._columns
            if columns is not None and columns.path == path and columns.version == version:
                return columns
            with self._columns_lock:
                columns = self._columns
                if columns is None or columns.path != path:
                    columns = self._columns = Columns.load(connection, path, version)
                elif columns.version < version:
                    columns = self._columns = columns.updated(connection, version)
            if columns.version == version:
                return columns
            connection.execute("COMMIT")
            connection.execute("BEGIN")

    async def close(self) -> None:
        """Stop the threads, then close every connection they opened."""
        await asyncio.to_thread(self._shutdown)

    def _shutdown(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._connections_lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
