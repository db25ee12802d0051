"""A census of the database: every table's row count and a checksum of its content.

A backup records it and a restore checks it, so a restored database is known to hold what was
saved, row for row. Values are read raw from the driver (no model types), ordered by primary
key, so the census means the same on any schema revision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

SKIPPED_TABLES = frozenset({"alembic_version"})
"""The revision is recorded apart; every other table is counted."""


@dataclass(frozen=True, slots=True)
class TableCensus:
    rows: int
    sha256: str


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _census(connection: Connection) -> dict[str, TableCensus]:
    inspector = inspect(connection)
    result: dict[str, TableCensus] = {}
    for table in sorted(inspector.get_table_names()):
        if table in SKIPPED_TABLES:
            continue
        keys = inspector.get_pk_constraint(table)["constrained_columns"] or ["1"]
        order = ", ".join(key if key == "1" else _quoted(connection, key) for key in keys)
        digest = hashlib.sha256()
        rows = 0
        cursor = connection.exec_driver_sql(
            f"SELECT * FROM {_quoted(connection, table)} ORDER BY {order}"  # noqa: S608
        )
        for row in cursor:
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
            rows += 1
        result[table] = TableCensus(rows=rows, sha256=digest.hexdigest())
    return result


async def take_census(connection: AsyncConnection) -> dict[str, TableCensus]:
    """Every table's rows and content checksum, read on this connection (and its snapshot)."""
    return await connection.run_sync(_census)


def census_differences(
    expected: dict[str, TableCensus], found: dict[str, TableCensus]
) -> list[str]:
    """One line per table whose rows or content differ, or that is missing or extra."""
    lines = []
    for table in sorted(expected.keys() | found.keys()):
        want, have = expected.get(table), found.get(table)
        if want == have:
            continue
        if want is None or have is None:
            lines.append(f"{table}: {'missing' if have is None else 'not in the backup'}")
        elif want.rows != have.rows:
            lines.append(f"{table}: {have.rows} rows, the backup holds {want.rows}")
        else:
            lines.append(f"{table}: same {want.rows} rows, different content")
    return lines
