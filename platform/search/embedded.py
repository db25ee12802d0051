"""The default search engine: SQLite FTS5 in a file of its own, no server to run.

Why FTS5 rather than tantivy: FTS5 ships inside Python's sqlite3, so the default needs no
extra wheel and no second storage format to back up, and the ranking it lacks for Chinese
is supplied by segmenting before indexing (`search.analysis`); bm25 over pre-segmented words
ranks sensibly. tantivy was not measured here.

Measured on this machine (2 shared cores) by ``benchmarks/search_embedded.py`` with 100,000
documents, medians of three runs: indexing ≈2,700 documents/s including the rjieba and
pypinyin analysis (the target is 2,000), index 318 MB; one client over 300 mixed queries
p50 ≈4.7 ms, p95 ≈15 ms, p99 ≈26 ms (the target is a p95 under 30 ms; it was p50 ≈31,
p95 ≈113, p99 ≈172 before the search path below); 16 clients at once ≈185 queries/s, p95
≈135 ms (was ≈48 queries/s, p95 ≈470 ms).

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
* ``document_change``: the seq of every row inserted into or deleted from ``document``,
  written by triggers (so by any writer, in any process), the last `CHANGES_KEPT` kept.

A search is one read transaction, so all its parts see the same commits:

* **Matches**: the rowids of every match in one ``group_concat``, parsed by numpy (the
  49,000 of 老人 in ≈6 ms; parsing them with ``int()`` took 8 ms more), through the fewest
  alternatives that find the same documents (`match_expression`: 9 → 5 ms for 老人).
* **Filters, facets, sorts**: numpy over arrays per document kept in memory (`_Columns`,
  ≈9 MB for 100,000 documents), so totals and facet counts stay exact at any size: 老人's
  facets take ≈1.5 ms where joining ``document`` took 65 ms, and browsing grouped the whole
  table. Sorting by newest, amount or deadline partitions on the leading key.
* **Ranking**: ``ORDER BY rank`` makes FTS5 compute bm25 for every match first (≈2 µs
  each: 129 ms for 老人, even with a rowid range). Instead bm25 scores at most `RANKED`
  listed candidates, the newest title matches first (`_ranked`), in ≈5-18 ms. It scores
  words and pinyin; the bigram phrases cost half the time and weigh least, so they only rank
  documents that no word finds.
* **Freshness**: the arrays are a snapshot per generation, shared by the reader threads. A
  search reads the last ``document_change`` id (one index lookup); when another connection
  (the writer thread, the indexer in another process) committed since, it builds the next
  snapshot from the old one and the changed rows (≈5-20 ms), so a write shows at the next
  search. A new generation, or a log trimmed past the snapshot, is loaded whole (≈0.4 s, at
  the first search after start or a reindex).

Relevance given up for speed, measured over the benchmark's queries and filters: past
`RANKED` matches the first 20 hits keep 99.6% of the bm25 of the exact first 20 (95.8% at
worst, 老人); a match only the bigrams find ranks after every word match; hits sorted by
newest, amount or deadline carry score 0. The judged demo queries (``tests/search``) keep
recall@5 at 0.983.

Writes go through one thread and one connection, so they are serialized; reads use a small
pool of threads, each with its own connection. The hits' highlights come from
`search.analysis.highlight` over the stored title and description, since FTS5's own
``highlight()`` only knows the space-joined terms.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from search.analysis import (
    HAN,
    Concept,
    QueryPlan,
    highlight,
    infix_terms,
    pinyin_terms,
    query_plan,
    snippet,
)
from search.analysis import words as word_terms
from search.backend import Facet, SearchFilters, SearchHit, SearchQuery, SearchResult, Sort
from search.documents import SearchDocument

T = TypeVar("T")

ENGINE = "embedded"
POINTER = "CURRENT"
FIRST_GENERATION = "index-0.db"
READER_THREADS = 4
CACHE_KIB = 32 * 1024
"""Each connection keeps hot pages in SQLite's own cache: FTS doclists are read over and over.
The file is not memory-mapped: a map counts every page read towards the app's resident memory
(733 MiB at 100,000 documents, against about 500 without) and was no faster here."""
WEIGHTS = {"title_words": 10.0, "words": 3.0, "infix": 1.0, "pinyin": 5.0}
"""bm25 column weights: a word of the title counts most, a bigram (a substring hit) least."""
RANKED = 1000
"""At most this many matches are ranked by bm25 (the newest title matches first); the rest
follow, newest first. Totals and facets always count every match."""
TITLE_WINDOW = 4 * RANKED
"""Title matches are looked for among this many newest matches before all of them."""
CHANGES_KEPT = 50_000
"""Rows of ``document_change`` kept; a reader further behind reloads everything."""

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
CREATE TABLE IF NOT EXISTS document_region (
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_region_seq ON document_region (seq, level, code);
CREATE TABLE IF NOT EXISTS document_change (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS document_inserted AFTER INSERT ON document
    BEGIN INSERT INTO document_change (seq) VALUES (new.seq); END;
CREATE TRIGGER IF NOT EXISTS document_deleted AFTER DELETE ON document
    BEGIN INSERT INTO document_change (seq) VALUES (old.seq); END;
CREATE TRIGGER IF NOT EXISTS document_updated AFTER UPDATE ON document
    BEGIN INSERT INTO document_change (seq) VALUES (old.seq), (new.seq); END;
CREATE VIRTUAL TABLE IF NOT EXISTS document_fts USING fts5(
    {", ".join(WEIGHTS)}, tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO document_fts (document_fts, rank)
    VALUES ('rank', 'bm25({", ".join(str(weight) for weight in WEIGHTS.values())})');
"""  # noqa: S608 (fixed column names and weights)

_FACET_COLUMNS = {
    Facet.KIND: "kind",
    Facet.CATEGORY: "category",
    Facet.SUBCATEGORY: "subcategory",
    Facet.URGENCY: "urgency",
    Facet.STATE: "state",
}
_PURE_HAN = re.compile(f"[{HAN}]{{2,}}")
_ROWIDS = "SELECT group_concat(rowid) FROM document_fts WHERE document_fts MATCH ? AND rowid >= ?"
_SCORES = (
    "SELECT rowid, -rank FROM document_fts WHERE document_fts MATCH ?"
    " AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))"
)
"""bm25 of listed rows: ``+rowid`` keeps the list from FTS5, which would run the whole query
again for each listed rowid; FTS5 gets the range, which bounds its walk."""
_LISTED = "WHERE seq IN (SELECT value FROM json_each(?))"
_HITS = f"SELECT seq, id, kind, title, description FROM document {_LISTED}"  # noqa: S608


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _bigrams(word: str) -> tuple[str, ...]:
    return tuple(word[i : i + 2] for i in range(len(word) - 1))


def _contains(phrase: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    return any(phrase[i : i + len(inner)] == inner for i in range(len(phrase) - len(inner) + 1))


def _match_alternatives(concept: Concept) -> list[str]:
    """FTS5 expressions any of which satisfies the concept (`search.analysis.Concept`), as few
    as find the same documents: a Han word of two characters or more is a substring of the
    indexed text wherever it is a word, so its bigram phrase, when the concept has it, finds
    it already; and a phrase containing another phrase of the concept finds nothing that one
    does not."""
    phrases = list(dict.fromkeys(concept.infix))
    options = [
        f"infix : {_quoted(' '.join(phrase))}"
        for phrase in phrases
        if not any(other != phrase and _contains(phrase, other) for other in phrases)
    ]
    options += [
        f"{{title_words words}} : {_quoted(word)}"
        for word in concept.words
        if not (_PURE_HAN.fullmatch(word) and _bigrams(word) in phrases)
    ]
    if concept.infix_prefix:
        options.append(f"infix : {_quoted(concept.infix_prefix)}*")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _score_alternatives(concept: Concept, *, bigrams: bool) -> list[str]:
    options = [f"{{title_words words}} : {_quoted(word)}" for word in concept.words]
    if bigrams:
        options += [f"infix : {_quoted(' '.join(phrase))}" for phrase in concept.infix]
    if concept.infix_prefix:
        options.append(f"infix : {_quoted(concept.infix_prefix)}*")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _title_alternatives(concept: Concept) -> list[str]:
    options = [f"title_words : {_quoted(word)}" for word in concept.words]
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _every_concept(plan: QueryPlan, alternatives: Callable[[Concept], list[str]]) -> str:
    return " AND ".join(f"({' OR '.join(alternatives(c))})" for c in plan.concepts)


def match_expression(plan: QueryPlan) -> str:
    """The FTS5 MATCH text finding the plan's documents: every concept, each by any of its
    alternatives."""
    return _every_concept(plan, _match_alternatives)


def score_expression(plan: QueryPlan, *, bigrams: bool = False) -> str:
    """The MATCH text bm25 scores with: every concept by its words (a title word weighing
    most), single characters and pinyin, and with ``bigrams`` by its bigram phrases too. The
    phrases double the cost of scoring and weigh least, so they are scored only when words
    alone leave a page short (a word found only inside longer words)."""
    return _every_concept(plan, partial(_score_alternatives, bigrams=bigrams))


def title_expression(plan: QueryPlan) -> str:
    """The MATCH text finding the documents whose title has every concept as a word (or by
    pinyin, which is indexed for titles only)."""
    return _every_concept(plan, _title_alternatives)


def _integers(text: str | None) -> np.ndarray:
    """A comma-separated ``group_concat`` of integers, parsed at C speed."""
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, np.int64)


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
    searchable = document.body_text
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
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return connection


def _in_transaction(
    connection: sqlite3.Connection, statements: Callable[[sqlite3.Connection], None]
) -> None:
    """Run the statements in one write transaction, which also trims the change log."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        statements(connection)
        connection.execute(
            "DELETE FROM document_change WHERE id <= (SELECT max(id) FROM document_change) - ?",
            (CHANGES_KEPT,),
        )
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


_CATEGORICAL = ("kind", "category", "subcategory", "urgency", "state")
_PUBLISHED = (
    "CAST(strftime('%s', published_at) AS INTEGER) * 1000000"
    " + CAST(substr(published_at, 21, 6) AS INTEGER)"
)
"""``published_at`` (fixed-width UTC text, see `_timestamp`) as microseconds since 1970."""
_DEADLINE = "CAST(replace(deadline, '-', '') AS INTEGER)"
"""``deadline`` as the number YYYYMMDD, which orders as the date does."""


class _Codes:
    """The distinct values of a column, each coded by its index. Only ever appended to (under
    the snapshot lock), so the snapshots of one generation share it."""

    def __init__(self) -> None:
        self.values: list[str | None] = []
        self._index: dict[str | None, int] = {}

    def code(self, value: str | None) -> int:
        found = self._index.get(value)
        if found is None:
            self.values.append(value)
            found = self._index[value] = len(self.values) - 1
        return found

    def find(self, value: str) -> int:
        """The value's code; -1, which no document has, for a value never seen."""
        return self._index.get(value, -1)


def _read_documents(
    connection: sqlite3.Connection, where: str, params: Sequence[Any], codes: dict[str, _Codes]
) -> dict[str, np.ndarray]:
    """The arrays of the documents selected by ``where``, in seq order: numbers through one
    ``group_concat`` per column, categories through one per combination of values."""
    numbers = connection.execute(
        f"SELECT group_concat(seq), group_concat({_PUBLISHED}), group_concat({_DEADLINE}),"  # noqa: S608 (fixed parts)
        f" group_concat(amount_cents) FROM document {where}",
        params,
    ).fetchone()
    seq, published, deadline, amount = map(_integers, numbers)
    order = np.argsort(seq, kind="stable")
    arrays = {
        "seq": seq[order],
        "published": published[order],
        "deadline": deadline[order],
        "amount": amount[order],
    }
    for column in _CATEGORICAL:
        arrays[column] = np.zeros(len(seq), np.int32)
    combinations = connection.execute(
        f"SELECT {', '.join(_CATEGORICAL)}, group_concat(seq) FROM document {where}"  # noqa: S608
        f" GROUP BY {', '.join(_CATEGORICAL)}",
        params,
    )
    for *values, listed in combinations:
        positions = np.searchsorted(arrays["seq"], _integers(listed))
        for column, value in zip(_CATEGORICAL, values, strict=True):
            arrays[column][positions] = codes[column].code(value)
    return arrays


def _read_regions(
    connection: sqlite3.Connection, where: str, params: Sequence[Any], codes: _Codes
) -> dict[str, np.ndarray]:
    """The region rows of the documents selected by ``where`` as parallel arrays, in seq
    order."""
    seqs, regions, counties = [np.empty(0, np.int64)], [np.empty(0, np.int32)], [np.empty(0, bool)]
    rows = connection.execute(
        f"SELECT code, level = 'county', group_concat(seq) FROM document_region {where}"  # noqa: S608
        " GROUP BY code, level",
        params,
    )
    for code, is_county, listed in rows:
        found = _integers(listed)
        seqs.append(found)
        regions.append(np.full(len(found), codes.code(code), np.int32))
        counties.append(np.full(len(found), bool(is_county)))
    seq = np.concatenate(seqs)
    order = np.argsort(seq, kind="stable")
    return {
        "seq": seq[order],
        "code": np.concatenate(regions)[order],
        "county": np.concatenate(counties)[order],
    }


def _merged(
    old: dict[str, np.ndarray], kept: np.ndarray, fresh: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The kept rows of ``old`` and the fresh rows, in seq order (already so when the fresh
    seqs are all newer, as an insert's are)."""
    merged = {name: np.concatenate([array[kept], fresh[name]]) for name, array in old.items()}
    seq, added = merged["seq"], len(fresh["seq"])
    if 0 < added < len(seq) and seq[-added - 1] > seq[-added]:
        order = np.argsort(seq, kind="stable")
        merged = {name: array[order] for name, array in merged.items()}
    return merged


class _Columns:
    """One generation's documents as arrays by *position* (documents in seq order), which is
    what filters, facets and sorts read: a numpy pass over a match set costs microseconds per
    thousand matches, where joining ``document`` cost about a microsecond per match.

    A snapshot never changes: a commit (from any process) makes the next search build a new
    one from the old and the rows ``document_change`` names (`updated`).
    """

    def __init__(
        self,
        path: Path,
        version: int,
        codes: dict[str, _Codes],
        documents: dict[str, np.ndarray],
        regions: dict[str, np.ndarray],
    ) -> None:
        self.path = path
        self.version = version
        """The last ``document_change`` id this snapshot includes."""
        self.codes = codes
        self.documents = documents
        self.seq = documents["seq"]
        self.regions = regions
        self.region_position = np.searchsorted(self.seq, regions["seq"])

    @classmethod
    def load(cls, connection: sqlite3.Connection, path: Path, version: int) -> _Columns:
        codes = {column: _Codes() for column in (*_CATEGORICAL, "region")}
        return cls(
            path,
            version,
            codes,
            _read_documents(connection, "", (), codes),
            _read_regions(connection, "", (), codes["region"]),
        )

    def updated(self, connection: sqlite3.Connection, version: int) -> _Columns:
        """This snapshot with the changes logged since, or loaded afresh when the log no
        longer reaches back to it."""
        (oldest,) = connection.execute("SELECT min(id) FROM document_change").fetchone()
        if oldest is None or oldest > self.version + 1:
            return _Columns.load(connection, self.path, version)
        (listed,) = connection.execute(
            "SELECT group_concat(seq) FROM document_change WHERE id > ?", (self.version,)
        ).fetchone()
        changed = _integers(listed)
        found = np.searchsorted(self.seq, changed)
        found = found[found < len(self.seq)]
        kept = np.ones(len(self.seq), bool)
        kept[found[np.isin(self.seq[found], changed)]] = False
        params = (json.dumps(changed.tolist()),)
        documents = _read_documents(connection, _LISTED, params, self.codes)
        regions = _read_regions(connection, _LISTED, params, self.codes["region"])
        return _Columns(
            self.path,
            version,
            self.codes,
            _merged(self.documents, kept, documents),
            _merged(self.regions, kept[self.region_position], regions),
        )

    def positions(self, seqs: np.ndarray) -> np.ndarray:
        """The positions of seqs this snapshot holds (a read in the same transaction)."""
        return np.searchsorted(self.seq, seqs)

    def passing(self, filters: SearchFilters) -> np.ndarray | None:
        """Which positions pass the filters, or None when there are no filters."""
        tests = []
        for column in _CATEGORICAL:
            value = getattr(filters, column)
            if value is not None:
                tests.append(self.documents[column] == self.codes[column].find(str(value)))
        for code in (filters.county, filters.township):
            if code is not None:
                served = np.zeros(len(self.seq), bool)
                region = self.regions["code"] == self.codes["region"].find(code)
                served[self.region_position[region]] = True
                tests.append(served)
        if not tests:
            return None
        passing = tests[0]
        for test in tests[1:]:
            passing &= test
        return passing

    def facets(
        self, positions: np.ndarray | None, wanted: frozenset[Facet]
    ) -> dict[Facet, dict[str, int]]:
        """Per wanted facet, how many of the positions (all documents when None) have each
        value, largest count first."""
        facets: dict[Facet, dict[str, int]] = {}
        for facet in wanted:
            if facet is Facet.COUNTY:
                codes, counted = self.codes["region"], self.regions["county"]
                if positions is not None:
                    chosen = np.zeros(len(self.seq), bool)
                    chosen[positions] = True
                    counted = counted & chosen[self.region_position]
                found = self.regions["code"][counted]
            else:
                column = _FACET_COLUMNS[facet]
                codes, found = self.codes[column], self.documents[column]
                if positions is not None:
                    found = found[positions]
            tally = np.bincount(found, minlength=len(codes.values)).tolist()
            counts = [
                (count, value)
                for value, count in zip(codes.values, tally, strict=False)
                if count and value is not None
            ]
            counts.sort(key=lambda item: (-item[0], item[1]))
            facets[facet] = {value: count for count, value in counts}
        return facets

    def first(self, positions: np.ndarray | None, sort: Sort, count: int) -> np.ndarray:
        """The first ``count`` of the positions (all documents when None) in the sort's
        order: those whose leading key ties or beats the ``count``-th (a partition, not a
        sort), then sorted by every key. Cheaper than keeping each order up to date through
        writes (a full sort of 100,000 took 10-25 ms)."""
        documents = self.documents
        newest = (-documents["seq"], -documents["published"])
        keys = {
            Sort.NEWEST: newest,
            Sort.AMOUNT: (*newest, -documents["amount"]),
            Sort.DEADLINE: (*newest, documents["deadline"]),
        }[sort]
        chosen = np.arange(len(self.seq)) if positions is None else positions
        if count < len(chosen):
            leading = keys[-1][chosen]
            chosen = chosen[leading <= np.partition(leading, count - 1)[count - 1]]
        return chosen[np.lexsort(tuple(key[chosen] for key in keys))[:count]]


def _rowids(connection: sqlite3.Connection, expression: str, first: int = 0) -> np.ndarray:
    """The rowids (ascending) the expression matches, from ``first`` on."""
    (listed,) = connection.execute(_ROWIDS, (expression, first)).fetchone()
    return _integers(listed)


def _scores(
    connection: sqlite3.Connection, expression: str, seqs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """bm25 of the listed seqs (ascending) that the expression matches: rowids, scores."""
    rows = connection.execute(
        _SCORES, (expression, int(seqs[0]), int(seqs[-1]), json.dumps(seqs.tolist()))
    ).fetchall()
    return np.array([row[0] for row in rows], np.int64), np.array([row[1] for row in rows], float)


def _best_first(rowids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Highest score first, the newest first among equals."""
    order = np.lexsort((-rowids, -scores))
    return rowids[order], scores[order]


def _titled(
    connection: sqlite3.Connection,
    columns: _Columns,
    plan: QueryPlan,
    matches: np.ndarray,
    chosen: np.ndarray,
) -> np.ndarray:
    """The newest `RANKED` matches (``chosen`` marks them) whose title has every concept,
    looked for among the newest `TITLE_WINDOW` matches first, which usually hold enough (for
    老人 that walks 1,500 titles instead of 19,000), then among all."""

    def titled_from(first: int) -> np.ndarray:
        titled = columns.positions(_rowids(connection, title_expression(plan), first))
        return titled[chosen[titled]][-RANKED:]

    if len(matches) > TITLE_WINDOW:
        recent = titled_from(int(columns.seq[matches[-TITLE_WINDOW]]))
        if len(recent) == RANKED:
            return recent
    return titled_from(0)


def _ranked(
    connection: sqlite3.Connection,
    columns: _Columns,
    plan: QueryPlan,
    matches: np.ndarray,
    count: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The first ``count`` matches by relevance, and their scores.

    bm25 scores at most `RANKED` candidates: every match when there are no more, else the
    newest matches whose title has every concept, topped up with the newest other matches.
    FTS5 walks only the candidates' rowid range (with ``ORDER BY rank`` it would score every
    match before applying the range), and the candidate list keeps bm25 off the rest of that
    range. Candidates found by no word follow, ranked by their bigrams (scored only when a page
    reaches them, never above the last word match); then the matches left out, newest first,
    scored 0.
    """
    candidates = matches
    if len(matches) > RANKED:
        chosen = np.zeros(len(columns.seq), bool)
        chosen[matches] = True
        candidates = _titled(connection, columns, plan, matches, chosen)
        if len(candidates) < RANKED:
            chosen[candidates] = False
            candidates = np.union1d(candidates, np.flatnonzero(chosen)[len(candidates) - RANKED :])
    if not len(candidates):
        return candidates, np.empty(0)
    seqs = columns.seq[candidates]
    rowids, scores = _best_first(*_scores(connection, score_expression(plan), seqs))
    if count > len(rowids) and len(seqs) > len(rowids):
        unscored = np.setdiff1d(seqs, rowids, assume_unique=True)
        more, more_scores = _best_first(
            *_scores(connection, score_expression(plan, bigrams=True), unscored)
        )
        if len(scores):
            more_scores = np.minimum(more_scores, scores[-1])
        rowids, scores = np.concatenate([rowids, more]), np.concatenate([scores, more_scores])
    first, scores = columns.positions(rowids[:count]), scores[:count]
    if len(first) < count:
        rest = np.setdiff1d(matches, candidates, assume_unique=True)[::-1][: count - len(first)]
        first, scores = np.concatenate([first, rest]), np.concatenate([scores, np.zeros(len(rest))])
    return first, scores


def _hits(
    connection: sqlite3.Connection, seqs: np.ndarray, scores: np.ndarray, plan: QueryPlan
) -> list[SearchHit]:
    rows = {seq: row for seq, *row in connection.execute(_HITS, (json.dumps(seqs.tolist()),))}
    hits = []
    for seq, score in zip(seqs.tolist(), scores.tolist(), strict=True):
        id_, kind, title, description = rows[seq]
        hits.append(
            SearchHit(
                id=id_,
                kind=kind,
                title=title,
                title_html=highlight(title, plan),
                snippet=snippet(description, plan),
                score=score,
            )
        )
    return hits


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
        self._columns: _Columns | None = None
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
        """One read transaction, so the FTS matches and the snapshot see the same commits."""
        connection = self._connection()
        path, _ = self._local.opened
        connection.execute("BEGIN")
        try:
            columns = self._columns_of(path, connection)
            passing = columns.passing(query.filters)
            if plan.is_empty:
                matches = None if passing is None else np.flatnonzero(passing)
            else:
                matches = columns.positions(_rowids(connection, match_expression(plan)))
                if passing is not None:
                    matches = matches[passing[matches]]
            count = query.offset + query.page_size
            if plan.is_empty or query.sort is not Sort.RELEVANCE:
                sort = Sort.NEWEST if query.sort is Sort.RELEVANCE else query.sort
                first = columns.first(matches, sort, count)
                scores = np.zeros(len(first))
            else:
                first, scores = _ranked(connection, columns, plan, matches, count)
            page = first[query.offset :]
            hits = _hits(connection, columns.seq[page], scores[query.offset :], plan)
        finally:
            connection.execute("COMMIT")
        return SearchResult(
            hits=hits,
            total=len(columns.seq) if matches is None else len(matches),
            facets=columns.facets(matches, query.facets),
            page=query.page,
            page_size=query.page_size,
            engine=ENGINE,
        )

    def _columns_of(self, path: Path, connection: sqlite3.Connection) -> _Columns:
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
                    columns = self._columns = _Columns.load(connection, path, version)
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
