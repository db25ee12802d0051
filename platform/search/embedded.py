"""The default search engine: SQLite FTS5 in a file of its own, no server to run.

Why FTS5 rather than tantivy: FTS5 ships inside Python's sqlite3, so the default needs no
extra wheel and no second storage format to back up, and the ranking it lacks for Chinese
is supplied by segmenting before indexing (`search.analysis`); bm25 over pre-segmented words
ranks sensibly. tantivy was not measured here. Measured on this machine (2 cores) by
``benchmarks/search_embedded.py`` with 100,000 documents: indexing ≈2,200-2,300 documents/s
including the rjieba and pypinyin analysis (the target is 2,000), index 328 MB; query
latency for one client over 300 mixed queries p50 ≈33 ms, p95 ≈114 ms, p99 ≈168 ms, which
misses the 30 ms p95 target: queries for common words and facet passes over tens of
thousands of matches are the slow ones, and need work (capping the ranked set, caching
facet counts) before this engine is wired in.

Files: a directory of index *generations*, each one SQLite file in WAL mode (readers never
wait for the writer), and ``CURRENT`` naming the live one. A reindex builds a new generation
while the live one keeps answering, then replaces ``CURRENT`` atomically; every connection
(in this process or another) notices on its next use and moves over.

Layout of a generation:

* ``document``: one row per document with what is filtered, sorted and shown (title and
  description for snippets); ``seq`` is its integer key and the FTS rowid.
* ``document_region``: the county and township codes a document is under (an offer serves
  several), for filters and the county facet.
* ``document_fts``: title words, other words, infix bigrams and title pinyin as space-joined
  terms (see `search.analysis`), ranked by bm25 weighted title > pinyin > words > bigrams.

Writes go through one thread and one connection, so they are serialized; reads use a small
pool of threads, each with its own connection. The hits' highlights come from
`search.analysis.highlight` over the stored title and description, since FTS5's own
``highlight()`` only knows the space-joined terms.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from search.analysis import Concept, QueryPlan, highlight, infix_terms, pinyin_terms, query_plan
from search.analysis import words as word_terms
from search.backend import Facet, SearchFilters, SearchHit, SearchQuery, SearchResult, Sort
from search.documents import SearchDocument

T = TypeVar("T")

ENGINE = "embedded"
POINTER = "CURRENT"
FIRST_GENERATION = "index-0.db"
SNIPPET_WIDTH = 120
READER_THREADS = 4
MMAP_BYTES = 1 << 30
CACHE_KIB = 64 * 1024
"""Reads map the file and keep hot pages cached: FTS doclists are read over and over."""
WEIGHTS = {"title_words": 10.0, "words": 3.0, "infix": 1.0, "pinyin": 5.0}
"""bm25 column weights: a word of the title counts most, a bigram (a substring hit) least."""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS document (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL,
    urgency TEXT,
    state TEXT NOT NULL,
    published_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    amount_cents INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS document_published ON document (published_at);
CREATE INDEX IF NOT EXISTS document_deadline ON document (deadline);
CREATE INDEX IF NOT EXISTS document_amount ON document (amount_cents);
CREATE TABLE IF NOT EXISTS document_region (
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_region_seq ON document_region (seq, level, code);
CREATE VIRTUAL TABLE IF NOT EXISTS document_fts USING fts5(
    {", ".join(WEIGHTS)}, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO document_fts (document_fts, rank)
    VALUES ('rank', 'bm25({", ".join(str(weight) for weight in WEIGHTS.values())})');
"""  # noqa: S608 (fixed column names and weights)

_FACET_COLUMNS = (Facet.KIND, Facet.CATEGORY, Facet.SUBCATEGORY, Facet.URGENCY, Facet.STATE)
_ORDER = {
    Sort.NEWEST: "d.published_at DESC, d.seq DESC",
    Sort.AMOUNT: "d.amount_cents DESC, d.published_at DESC, d.seq DESC",
    Sort.DEADLINE: "d.deadline ASC, d.published_at DESC, d.seq DESC",
}


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _alternatives(concept: Concept) -> list[str]:
    """FTS5 expressions any of which satisfies the concept."""
    options = [f"{{title_words words}} : {_quoted(word)}" for word in concept.words]
    options += [f"infix : {_quoted(' '.join(phrase))}" for phrase in concept.infix]
    if concept.infix_prefix:
        options.append(f"infix : {_quoted(concept.infix_prefix)}*")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def match_expression(plan: QueryPlan) -> str:
    """The FTS5 MATCH text of a plan: every concept, each by any of its alternatives."""
    return " AND ".join(f"({' OR '.join(_alternatives(c))})" for c in plan.concepts)


def _filter_sql(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("kind", "category", "subcategory", "urgency", "state"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"d.{column} = ?")
            params.append(str(value))
    for code in (filters.county, filters.township):
        if code is not None:
            clauses.append("d.seq IN (SELECT seq FROM document_region WHERE code = ?)")
            params.append(code)
    return clauses, params


def _timestamp(value: datetime) -> str:
    """A UTC timestamp of fixed width, so text order is time order."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _rows_of(document: SearchDocument) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """The ``document`` row (without seq) and the FTS row of a document."""
    row = (
        document.id,
        document.kind,
        document.title,
        document.description,
        document.category,
        document.subcategory,
        document.urgency,
        document.state,
        _timestamp(document.published_at),
        document.deadline.isoformat(),
        int((document.amount * 100).to_integral_value()),
    )
    searchable = " ".join(
        [
            document.description,
            document.subcategory_name,
            *document.tags,
            *document.region_names,
            document.organization_name,
        ]
    )
    fts = (
        " ".join(word_terms(document.title)),
        " ".join(word_terms(searchable)),
        " ".join(infix_terms(document.title + " " + searchable)),
        " ".join(pinyin_terms(document.title)),
    )
    return row, fts


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return connection


def _in_transaction(
    connection: sqlite3.Connection, statements: Callable[[sqlite3.Connection], None]
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        statements(connection)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _create_schema(connection: sqlite3.Connection) -> None:
    connection.executescript(f"BEGIN; {_SCHEMA} COMMIT;")


def _delete_ids(connection: sqlite3.Connection, ids: Sequence[str]) -> None:
    for id_ in ids:
        found = connection.execute(
            "DELETE FROM document WHERE id = ? RETURNING seq", (id_,)
        ).fetchone()
        if found is None:
            continue
        (seq,) = found
        connection.execute("DELETE FROM document_fts WHERE rowid = ?", (seq,))
        connection.execute("DELETE FROM document_region WHERE seq = ?", (seq,))


def _insert(
    connection: sqlite3.Connection,
    prepared: list[tuple[SearchDocument, tuple[Any, ...], tuple[str, ...]]],
) -> None:
    for document, row, fts in prepared:
        (seq,) = connection.execute(
            "INSERT INTO document (id, kind, title, description, category, subcategory,"
            " urgency, state, published_at, deadline, amount_cents)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            row,
        ).fetchone()
        connection.execute(
            "INSERT INTO document_fts (rowid, title_words, words, infix, pinyin)"
            " VALUES (?, ?, ?, ?, ?)",
            (seq, *fts),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO document_region (code, seq, level) VALUES (?, ?, ?)",
            [(code, seq, "county") for code in document.county_codes]
            + [(code, seq, "township") for code in document.township_codes],
        )


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
        connection = _open(live)
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
        _create_schema(self._connection())

    def _write(self, statements: Callable[[sqlite3.Connection], None]) -> None:
        _in_transaction(self._connection(), statements)

    async def prepare(self) -> None:
        """Create the directory and the first generation if missing."""
        await self._run(self._writer, lambda: None)

    async def upsert(self, documents: Iterable[SearchDocument]) -> None:
        batch = list({document.id: document for document in documents}.values())
        if batch:
            prepared = [(document, *_rows_of(document)) for document in batch]

            def statements(connection: sqlite3.Connection) -> None:
                _delete_ids(connection, [document.id for document in batch])
                _insert(connection, prepared)

            await self._run(self._writer, lambda: self._write(statements))

    async def delete(self, ids: Iterable[str]) -> None:
        batch = list(dict.fromkeys(ids))
        if batch:
            await self._run(self._writer, lambda: self._write(lambda c: _delete_ids(c, batch)))

    async def clear(self) -> None:
        def statements(connection: sqlite3.Connection) -> None:
            for table in ("document", "document_region", "document_fts"):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

        await self._run(self._writer, lambda: self._write(statements))

    async def rebuild(self, batches: AsyncIterable[Sequence[SearchDocument]]) -> int:
        """Build a new generation from the batches, then make it live; returns its size."""
        await self.prepare()
        target = self.directory / f"index-{time.time_ns()}.db"
        connection = await asyncio.to_thread(_open, target)
        count = 0
        try:
            await asyncio.to_thread(_create_schema, connection)
            async for batch in batches:
                prepared = [(document, *_rows_of(document)) for document in batch]
                await asyncio.to_thread(_in_transaction, connection, lambda c: _insert(c, prepared))  # noqa: B023 (awaited at once)
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
        connection = self._connection()
        clauses, params = _filter_sql(query.filters)
        if plan.is_empty:
            source = "document d"
            score = "0.0"
            order = _ORDER.get(query.sort, _ORDER[Sort.NEWEST])
        else:
            source = "document_fts f JOIN document d ON d.seq = f.rowid"
            clauses.insert(0, "document_fts MATCH ?")
            params.insert(0, match_expression(plan))
            score = "-f.rank"
            order = _ORDER.get(query.sort, "f.rank, d.seq DESC")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        columns = ", d.".join(_FACET_COLUMNS)
        matching = f"SELECT d.seq, d.{columns} FROM {source} {where}"  # noqa: S608 (fixed parts)
        facets, total = self._facets(connection, matching, params, query.facets)
        rows = connection.execute(
            f"SELECT d.id, d.kind, d.title, d.description, {score} FROM {source} {where}"  # noqa: S608
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, query.page_size, query.offset],
        ).fetchall()
        return SearchResult(
            hits=[
                SearchHit(
                    id=id_,
                    kind=kind,
                    title=title,
                    title_html=highlight(title, plan),
                    snippet=highlight(description, plan, SNIPPET_WIDTH),
                    score=float(score_),
                )
                for id_, kind, title, description, score_ in rows
            ],
            total=total,
            facets=facets,
            page=query.page,
            page_size=query.page_size,
            engine=ENGINE,
        )

    @staticmethod
    def _facets(
        connection: sqlite3.Connection,
        matching: str,
        params: list[Any],
        wanted: frozenset[Facet],
    ) -> tuple[dict[Facet, dict[str, int]], int]:
        """Facet counts and the total in one pass over the matches: count each combination of
        the single-valued facet columns, then add the combinations up per facet."""
        columns = ", ".join(_FACET_COLUMNS)
        sql = (
            f"WITH m AS MATERIALIZED ({matching}) "  # noqa: S608 (built from fixed fragments)
            f"SELECT NULL, {columns}, count(*) FROM m GROUP BY {columns}"
        )
        if Facet.COUNTY in wanted:
            sql += (
                f" UNION ALL SELECT r.code, {', '.join('NULL' for _ in _FACET_COLUMNS)}, count(*)"  # noqa: S608
                " FROM m JOIN document_region r ON r.seq = m.seq AND r.level = 'county'"
                " GROUP BY r.code"
            )
        counters: dict[Facet, Counter[str]] = {facet: Counter() for facet in wanted}
        total = 0
        for county, *values, count in connection.execute(sql, params):
            if county is not None:
                counters[Facet.COUNTY][county] += count
                continue
            total += count
            for facet, value in zip(_FACET_COLUMNS, values, strict=True):
                if facet in counters and value is not None:
                    counters[facet][value] += count
        return {facet: dict(counter.most_common()) for facet, counter in counters.items()}, total

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
