"""How long a 5,000-row needs import holds SQLite's write lock: every write transaction of
``import_file``'s write phase (duplicates checked again, the drafts stored batch by batch, made
visible with the audit row), timed from ``BEGIN IMMEDIATE`` to its commit on a database file of
its own; the longest single hold and their total, median of three imports.

A sign-in that arrives meanwhile waits at most the longest hold (the busy timeout is 5 s), which
is what decides the batch size (see docs/security.md, "Long imports and the write lock").

    uv run python benchmarks/import_write_lock.py [--batch-rows 250]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from import_5000 import workbook, worker
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.clock import utc_now
from core.database import WRITE_INTENT, create_engine, write_phase
from core.settings import Environment, Settings
from listings.importing import staging
from listings.importing.plan import ImportPlan, _read_keyed
from listings.sheet import SheetKind
from xiangxing.setup import upgrade_database


class LockHolds:
    """Seconds each write transaction (begun with the write lock taken) lasted."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.holds: list[float] = []
        self._began: float | None = None
        event.listen(engine.sync_engine, "begin", self._begin)
        event.listen(engine.sync_engine, "commit", self._end)
        event.listen(engine.sync_engine, "rollback", self._end)

    def _begin(self, _connection: object) -> None:
        self._began = time.perf_counter() if WRITE_INTENT.get() else None

    def _end(self, _connection: object) -> None:
        if self._began is not None:
            self.holds.append(time.perf_counter() - self._began)
            self._began = None


async def one_import(session: AsyncSession, locks: LockHolds, rows: int, run: int) -> list[float]:
    """Every write-lock hold of one import of fresh titles."""
    content = workbook(rows, title=f"第{run + 1}次导入的需求")
    identity = await worker(session)
    await session.commit()
    plan = await ImportPlan.of(session, utc_now, SheetKind.NEEDS, identity)
    checked = await plan.check(_read_keyed(SheetKind.NEEDS, "bench.xlsx", content))
    locks.holds.clear()
    async with write_phase(session):
        await plan.check_duplicates(checked)
        created = await plan.store(identity.actor(None), "bench.xlsx")
        await session.commit()
    assert len(created) == rows, f"only {len(created)} of {rows} rows stored"
    return list(locks.holds)


async def main(rows: int, runs: int, batch_rows: int) -> None:
    staging.BATCH_ROWS = batch_rows
    with tempfile.TemporaryDirectory() as var_dir:
        engine = create_engine(Settings(env=Environment.TEST, var_dir=Path(var_dir)))
        await upgrade_database(engine)
        locks = LockHolds(engine)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            imports = [await one_import(session, locks, rows, run) for run in range(runs)]
        await engine.dispose()
    longest = [max(holds) for holds in imports]
    total = [sum(holds) for holds in imports]
    print(
        f"sqlite: {rows} needs in batches of {batch_rows}: longest write-lock hold "
        f"{statistics.median(longest):.2f} s, total {statistics.median(total):.2f} s in "
        f"{len(imports[0])} transactions (medians of {runs}); longest per run: "
        f"{', '.join(f'{s:.2f}' for s in longest)} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-rows", type=int, default=staging.BATCH_ROWS)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs, arguments.batch_rows))
