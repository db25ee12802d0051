"""What a query finds in the embedded index once `search.leniency` has forgiven how it was
typed: every word first, then a typo corrected from the index's vocabulary, then the matches
holding most of the words."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from search.analysis import QueryPlan
from search.embedded.columns import Columns
from search.embedded.expressions import any_expression, concept_expression, match_expression
from search.embedded.ranking import matching, scores_of
from search.embedded.storage import similar_words
from search.leniency import (
    broadens,
    correction,
    forgives,
    qualifies,
    rarity,
    shares,
    suspects,
    worth_checking,
)

_EMPTY = np.empty(0, np.int64)
TIES_RANKED = 200
"""bm25 breaks ties between equal weights among this many heaviest broadened matches (ten
pages); the rest follow by weight, newest first."""


@dataclass(frozen=True, slots=True)
class Matches:
    plan: QueryPlan
    """The plan searched: the one asked, or with its typos corrected."""
    every: np.ndarray | None
    """Positions of the documents with every concept (None: every document, no text)."""
    most: np.ndarray
    """Positions of the broadened matches, best first."""
    shares: np.ndarray
    """The share of the query's weight each broadened match holds (below 1)."""
    corrected: bool = False

    @property
    def total(self) -> int:
        return len(self.every if self.every is not None else ()) + len(self.most)


def _with_every(
    connection: sqlite3.Connection,
    columns: Columns,
    plan: QueryPlan,
    passing: np.ndarray | None,
) -> np.ndarray | None:
    if plan.is_empty:
        return None if passing is None else np.flatnonzero(passing)
    every = matching(connection, columns, match_expression(plan))
    return every if passing is None else every[passing[every]]


def find(
    connection: sqlite3.Connection,
    columns: Columns,
    plan: QueryPlan,
    passing: np.ndarray | None,
    page_size: int,
) -> Matches:
    """The matches of the plan; when they are none, a word found nowhere is corrected to its
    most frequent one-character neighbour (kept only if the corrected query finds something);
    when they are less than a page, the matches with most of the words are added
    (`search.leniency`)."""
    every = _with_every(connection, columns, plan, passing)
    if every is None or not forgives(plan, len(every), page_size):
        return Matches(plan, every, _EMPTY, np.empty(0))
    found = [matching(connection, columns, concept_expression(c)) for c in plan.concepts]
    nowhere = [c for c, matched in zip(plan.concepts, found, strict=True) if not len(matched)]
    fixes = _fixes(connection, plan, suspects(plan, nowhere))
    corrected = plan.corrected(fixes) if fixes else plan
    meant = _with_every(connection, columns, corrected, passing) if fixes else None
    if meant is not None and len(meant):
        plan, every = corrected, meant
        found = [matching(connection, columns, concept_expression(c)) for c in plan.concepts]
    else:
        fixes = {}
    most, fractions = _EMPTY, np.empty(0)
    if broadens(plan, len(every), page_size):
        most, fractions = _most(connection, columns, plan, passing, every, found, page_size)
    return Matches(plan, every, most, fractions, corrected=bool(fixes))


def _fixes(connection: sqlite3.Connection, plan: QueryPlan, typed: list[str]) -> dict[str, str]:
    """The typed strings taken for typos, each with the word meant; a word inside a run that
    was corrected already is not looked at again."""
    fixes: dict[str, str] = {}
    for suspect in typed:
        if worth_checking(suspect, plan, fixes):
            meant = correction(suspect, similar_words(connection, suspect))
            if meant is not None:
                fixes[suspect] = meant
    return fixes


def _most(
    connection: sqlite3.Connection,
    columns: Columns,
    plan: QueryPlan,
    passing: np.ndarray | None,
    every: np.ndarray,
    found: list[np.ndarray],
    page_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The documents without every concept that hold the required share of the concepts (by
    count or by weight; a sentence's share lowered while the page is short), the heaviest
    first, bm25 of any concept among equals; and their shares of the weight."""
    weights = [rarity(len(matched), len(columns.seq)) for matched in found]
    held, words = np.zeros(len(columns.seq)), np.zeros(len(columns.seq), np.int32)
    for matched, weight in zip(found, weights, strict=True):
        held[matched] += weight
        words[matched] += 1
    allowed = np.ones(len(columns.seq), bool) if passing is None else passing.copy()
    allowed[every] = False
    for share in shares(plan):
        positions = np.flatnonzero(allowed & qualifies(held, words, weights, share))
        if len(every) + len(positions) >= page_size:
            break
    if not len(positions):
        return _EMPTY, np.empty(0)
    heaviest = positions[np.lexsort((-columns.seq[positions], -held[positions]))][:TIES_RANKED]
    rowids, scores = scores_of(connection, any_expression(plan), np.sort(columns.seq[heaviest]))
    bm25 = np.zeros(len(columns.seq))
    bm25[columns.positions(rowids)] = scores
    positions = positions[np.lexsort((-columns.seq[positions], -bm25[positions], -held[positions]))]
    return positions, held[positions] / sum(weights)
