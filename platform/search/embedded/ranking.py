"""Which matches come first, and the hits they become."""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from search.analysis import Concept, QueryPlan
from search.backend import SearchHit
from search.embedded.columns import LISTED, Columns, integers
from search.embedded.expressions import (
    literal_expression,
    score_expression,
    synonym_expression,
    title_expression,
)
from search.embedded.storage import documents_with
from search.highlight import highlight, snippet

RANKED = 1000
"""At most this many matches are ranked by bm25 (the newest title matches first); the rest
follow, newest first. Totals and facets always count every match."""
TITLE_WINDOW = 4 * RANKED
"""Title matches are looked for among this many newest matches before all of them."""
_ROWIDS = "SELECT group_concat(rowid) FROM document_fts WHERE document_fts MATCH ? AND rowid >= ?"
_SCORES = (
    "SELECT rowid, -rank FROM document_fts WHERE document_fts MATCH ?"
    " AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))"
)
"""bm25 of listed rows: ``+rowid`` keeps the list from FTS5, which would run the whole query
again for each listed rowid; FTS5 gets the range, which bounds its walk."""
_HITS = f"SELECT seq, id, kind, title, description FROM document {LISTED}"  # noqa: S608


def matching(
    connection: sqlite3.Connection, columns: Columns, expression: str, first: int = 0
) -> np.ndarray:
    """The positions (ascending) of the documents the expression matches, from seq ``first``
    on."""
    (found,) = connection.execute(_ROWIDS, (expression, first)).fetchone()
    return columns.positions(integers(found))


def scores_of(
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
    columns: Columns,
    plan: QueryPlan,
    matches: np.ndarray,
    chosen: np.ndarray,
) -> np.ndarray:
    """The newest `RANKED` matches (``chosen`` marks them) whose title has every concept,
    looked for among the newest `TITLE_WINDOW` matches first, which usually hold enough (for
    老人 that walks 1,500 titles instead of 19,000), then among all."""

    def titled_from(first: int) -> np.ndarray:
        titled = matching(connection, columns, title_expression(plan), first)
        return titled[chosen[titled]][-RANKED:]

    if len(matches) > TITLE_WINDOW:
        recent = titled_from(int(columns.seq[matches[-TITLE_WINDOW]]))
        if len(recent) == RANKED:
            return recent
    return titled_from(0)


def ranked(
    connection: sqlite3.Connection,
    columns: Columns,
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
    rowids, scores = _best_first(*scores_of(connection, score_expression(plan), seqs))
    if count > len(rowids) and len(seqs) > len(rowids):
        unscored = np.setdiff1d(seqs, rowids, assume_unique=True)
        more, more_scores = _best_first(
            *scores_of(connection, score_expression(plan, bigrams=True), unscored)
        )
        if len(scores):
            more_scores = np.minimum(more_scores, scores[-1])
        rowids, scores = np.concatenate([rowids, more]), np.concatenate([scores, more_scores])
    rowids, scores = _typed_first(connection, columns, plan, rowids, scores)
    first, scores = columns.positions(rowids[:count]), scores[:count]
    if len(first) < count:
        rest = np.setdiff1d(matches, candidates, assume_unique=True)[::-1][: count - len(first)]
        first, scores = np.concatenate([first, rest]), np.concatenate([scores, np.zeros(len(rest))])
    return first, scores


def _typed_first(
    connection: sqlite3.Connection,
    columns: Columns,
    plan: QueryPlan,
    rowids: np.ndarray,
    scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The scored rows reordered so that a document saying more of the words as typed comes
    before one that says them only by a synonym (红薯 above an entry that says only 地瓜), the
    scores raised by tiers so they keep falling down the list. Which documents say the word
    comes from one listing of its matches (a few ms even for 老人), not from asking FTS5 about
    each candidate, which cost as much as scoring them."""
    widened = [concept for concept in plan.concepts if len(concept.words) > 1]
    if not widened or len(rowids) < 2:
        return rowids, scores
    first = int(rowids.min())
    tiers = np.zeros(len(rowids))
    for concept in widened:
        tiers += _said_as_typed(connection, columns, plan, concept, rowids, first)
    raised = scores + tiers * (scores.max() - scores.min() + 1)
    order = np.argsort(-raised, kind="stable")
    return rowids[order], raised[order]


def _said_as_typed(
    connection: sqlite3.Connection,
    columns: Columns,
    plan: QueryPlan,
    concept: Concept,
    rowids: np.ndarray,
    first: int,
) -> np.ndarray:
    """Which of the rowids (matches of the plan, none below ``first``) say the concept as
    typed. FTS5 lists whichever side is the rarer, as the vocabulary counts the words: those
    that say it, or those that have it only by a synonym (the rest say it)."""
    by_synonym = synonym_expression(plan, concept)
    if by_synonym is None:
        return np.ones(len(rowids), bool)
    counted = documents_with(connection, concept.words)
    typed = counted.pop(concept.text, 0)
    if sum(counted.values()) < typed:
        return ~np.isin(rowids, columns.seq[matching(connection, columns, by_synonym, first)])
    literal = literal_expression(plan, concept)
    return np.isin(rowids, columns.seq[matching(connection, columns, literal, first)])


def hits_of(
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
