"""Per-document arrays in memory that filters, facets and sorts read (see the package
docstring), kept fresh across processes by the change log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from search.backend import Facet, SearchFilters, Sort

_FACET_COLUMNS = {
    Facet.KIND: "kind",
    Facet.CATEGORY: "category",
    Facet.SUBCATEGORY: "subcategory",
    Facet.URGENCY: "urgency",
    Facet.STATE: "state",
}
LISTED = "WHERE seq IN (SELECT value FROM json_each(?))"


def integers(text: str | None) -> np.ndarray:
    """A comma-separated ``group_concat`` of integers, parsed at C speed."""
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, np.int64)


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
    seq, published, deadline, amount = map(integers, numbers)
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
        positions = np.searchsorted(arrays["seq"], integers(listed))
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
        found = integers(listed)
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


class Columns:
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
        self._position_of = np.zeros(int(self.seq[-1]) + 1 if len(self.seq) else 0, np.intp)
        """Position by seq: a lookup, where searching the seqs for 老人's 49,000 matches took
        1.1 ms. Seqs count the generation's inserts (an update is one), so it is about as long
        as the generation is large, longer by its edits until the next reindex."""
        self._position_of[self.seq] = np.arange(len(self.seq))
        self.regions = regions
        self.region_position = np.searchsorted(self.seq, regions["seq"])
        rows = self.region_position[regions["county"]]
        counties = regions["code"][regions["county"]]
        first = np.ones(len(rows), bool)
        first[1:] = rows[1:] != rows[:-1]
        self.county = np.full(len(self.seq), codes["region"].code(None), np.int32)
        """Per document, the first county it is under (coded None when under none)."""
        self.county[rows[first]] = counties[first]
        self.more_counties = rows[~first], counties[~first]
        """The other counties of the documents under several (an offer), as positions and
        codes: so few that the county facet counts like the others, by position."""

    @classmethod
    def load(cls, connection: sqlite3.Connection, path: Path, version: int) -> Columns:
        codes = {column: _Codes() for column in (*_CATEGORICAL, "region")}
        return cls(
            path,
            version,
            codes,
            _read_documents(connection, "", (), codes),
            _read_regions(connection, "", (), codes["region"]),
        )

    def updated(self, connection: sqlite3.Connection, version: int) -> Columns:
        """This snapshot with the changes logged since, or loaded afresh when the log no
        longer reaches back to it."""
        (oldest,) = connection.execute("SELECT min(id) FROM document_change").fetchone()
        if oldest is None or oldest > self.version + 1:
            return Columns.load(connection, self.path, version)
        (listed,) = connection.execute(
            "SELECT group_concat(seq) FROM document_change WHERE id > ?", (self.version,)
        ).fetchone()
        changed = integers(listed)
        found = np.searchsorted(self.seq, changed)
        found = found[found < len(self.seq)]
        kept = np.ones(len(self.seq), bool)
        kept[found[np.isin(self.seq[found], changed)]] = False
        params = (json.dumps(changed.tolist()),)
        documents = _read_documents(connection, LISTED, params, self.codes)
        regions = _read_regions(connection, LISTED, params, self.codes["region"])
        return Columns(
            self.path,
            version,
            self.codes,
            _merged(self.documents, kept, documents),
            _merged(self.regions, kept[self.region_position], regions),
        )

    def positions(self, seqs: np.ndarray) -> np.ndarray:
        """The positions of seqs this snapshot holds (a read in the same transaction)."""
        return self._position_of[seqs]

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
                codes, found = self.codes["region"], self._counties(positions)
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

    def _counties(self, positions: np.ndarray | None) -> np.ndarray:
        """The county codes of the positions (all documents when None), one per county a
        document is under."""
        more_positions, more = self.more_counties
        if positions is None:
            return np.concatenate([self.county, more])
        if len(more):
            chosen = np.zeros(len(self.seq), bool)
            chosen[positions] = True
            more = more[chosen[more_positions]]
        return np.concatenate([self.county[positions], more])

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
