"""The index file: its schema, connections, and how documents are written into it."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from search.analysis import HAN, infix_terms, pinyin_terms
from search.analysis import words as word_terms
from search.documents import SearchDocument
from search.leniency import patterns

CACHE_KIB = 32 * 1024
"""Each connection keeps hot pages in SQLite's own cache: FTS doclists are read over and over.
The file is not memory-mapped: a map counts every page read towards the app's resident memory
(733 MiB at 100,000 documents, against about 500 without) and was no faster here."""
WEIGHTS = {"title_words": 10.0, "words": 3.0, "infix": 1.0, "pinyin": 5.0}
"""bm25 column weights: a word of the title counts most, a bigram (a substring hit) least."""
CHANGES_KEPT = 50_000
"""Rows of ``document_change`` kept; a reader further behind reloads everything."""
_VOCABULARY_WORD = re.compile(f"[{HAN}]{{2,}}")
"""The words a typo may be corrected to: Chinese words of two characters or more."""

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
CREATE TABLE IF NOT EXISTS vocabulary (
    word TEXT PRIMARY KEY,
    documents INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO document_fts (document_fts, rank)
    VALUES ('rank', 'bm25({", ".join(str(weight) for weight in WEIGHTS.values())})');
"""  # noqa: S608 (fixed column names and weights)


def _timestamp(value: datetime) -> str:
    """A UTC timestamp of fixed width, so text order is time order."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rows_of(document: SearchDocument) -> tuple[tuple[Any, ...], tuple[str, ...]]:
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


def open_index(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return connection


def in_transaction(
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


def create_schema(connection: sqlite3.Connection) -> None:
    connection.executescript(f"BEGIN; {_SCHEMA} COMMIT;")


def delete_ids(connection: sqlite3.Connection, ids: Sequence[str]) -> None:
    for id_ in ids:
        found = connection.execute(
            "DELETE FROM document WHERE id = ? RETURNING seq", (id_,)
        ).fetchone()
        if found is None:
            continue
        (seq,) = found
        indexed = connection.execute(
            "SELECT title_words, words FROM document_fts WHERE rowid = ?", (seq,)
        ).fetchone()
        connection.execute("DELETE FROM document_fts WHERE rowid = ?", (seq,))
        connection.execute("DELETE FROM document_region WHERE seq = ?", (seq,))
        if indexed is not None:
            _count_words(connection, Counter(_vocabulary_words(indexed)), -1)


def insert_documents(
    connection: sqlite3.Connection,
    prepared: list[tuple[SearchDocument, tuple[Any, ...], tuple[str, ...]]],
) -> None:
    words: Counter[str] = Counter()
    for document, row, fts in prepared:
        words.update(_vocabulary_words(fts[:2]))
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
    _count_words(connection, words, 1)


def _vocabulary_words(fields: Iterable[str]) -> set[str]:
    """The distinct vocabulary words of a document's two word fields."""
    return {word for field in fields for word in field.split() if _VOCABULARY_WORD.fullmatch(word)}


def _count_words(connection: sqlite3.Connection, words: Counter[str], sign: int) -> None:
    """Add (or, with sign -1, take away) documents to the vocabulary's counts."""
    connection.executemany(
        "INSERT INTO vocabulary (word, documents) VALUES (?, ?)"
        " ON CONFLICT (word) DO UPDATE SET documents = documents + excluded.documents",
        [(word, sign * count) for word, count in words.items()],
    )
    if sign < 0:
        connection.execute("DELETE FROM vocabulary WHERE documents <= 0")


def similar_words(connection: sqlite3.Connection, word: str) -> list[tuple[str, int]]:
    """The vocabulary's words one character away from ``word`` (by GLOB: ``?`` is any one
    character), with the number of documents that have each."""
    globs = patterns(word)
    return connection.execute(
        "SELECT word, documents FROM vocabulary WHERE word <> ? AND ("  # noqa: S608 (placeholders)
        + " OR ".join("word GLOB ?" for _ in globs)
        + ")",
        (word, *globs),
    ).fetchall()


def documents_with(connection: sqlite3.Connection, words: Iterable[str]) -> dict[str, int]:
    """How many documents have each word as a word, from the vocabulary the writes keep (a
    word it does not hold is left out)."""
    listed = list(dict.fromkeys(words))
    return dict(
        connection.execute(
            "SELECT word, documents FROM vocabulary WHERE word IN ("  # noqa: S608 (placeholders)
            + ", ".join("?" for _ in listed)
            + ")",
            listed,
        ).fetchall()
    )
