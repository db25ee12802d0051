"""How long a 5,000-row needs import holds SQLite's write lock: the write phase of
``import_file`` (duplicates checked again, every draft and its audit row stored, committed),
timed on a database file of its own, median of three imports.

A sign-in that arrives meanwhile waits at most this long (the busy timeout is far longer), which
is what decides whether imports must be stored in batches (see docs/security.md, "Write lock").

    uv run python benchmarks/import_write_lock.py
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from import_5000 import workbook, worker
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing.plan import ImportPlan, _read_keyed
from catalogue.sheet import SheetKind
from core.clock import utc_now
from core.database import create_engine, write_phase
from core.settings import Environment, Settings
from xiangxing.setup import upgrade_database


async def one_import(session: AsyncSession, rows: int, run: int) -> float:
    """Seconds from taking the write lock to committing, for one import of fresh titles."""
    content = workbook(rows, title=f"第{run + 1}次导入的需求")
    identity = await worker(session)
    await session.commit()
    plan = await ImportPlan.of(session, utc_now, SheetKind.NEEDS, identity)
    checked = await plan.check(_read_keyed(SheetKind.NEEDS, "bench.xlsx", content))
    async with write_phase(session):
        started = time.perf_counter()
        await plan.check_duplicates(checked)
        created = await plan.store(identity.actor(None), "bench.xlsx")
        await session.commit()
        held = time.perf_counter() - started
    assert len(created) == rows, f"only {len(created)} of {rows} rows stored"
    return held


async def main(rows: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        engine = create_engine(Settings(env=Environment.TEST, var_dir=Path(var_dir)))
        await upgrade_database(engine)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            held = [await one_import(session, rows, run) for run in range(runs)]
        await engine.dispose()
    print(
        f"sqlite: write lock held {statistics.median(held):.2f} s (median of {runs}) "
        f"to store {rows} needs; runs: {', '.join(f'{s:.2f}' for s in held)} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs))
