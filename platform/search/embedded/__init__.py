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
  alternatives that find the same documents (`match_expression`: 9 → 5 ms for 老人), a
  single bigram without a column filter (every column holding it as a term finds the same
  documents; FTS5 then reads no positions).
* **Filters, facets, sorts**: numpy over arrays per document kept in memory (`_Columns`,
  ≈9 MB for 100,000 documents), so totals and facet counts stay exact at any size: 老人's
  facets take ≈0.8 ms where joining ``document`` took 65 ms, and browsing grouped the whole
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

A query whose words find less than a page is forgiven as `search.leniency` rules (typos
corrected from the ``vocabulary`` table each write keeps up to date, sentences broadened to
most of their words): `search.embedded.lenient`.

Writes go through one thread and one connection, so they are serialized; reads use a small
pool of threads, each with its own connection. The hits' highlights come from
`search.analysis.highlight` over the stored title and description, since FTS5's own
``highlight()`` only knows the space-joined terms.
"""

from search.embedded.engine import EmbeddedSearch
from search.embedded.expressions import match_expression, score_expression, title_expression

__all__ = ["EmbeddedSearch", "match_expression", "score_expression", "title_expression"]
