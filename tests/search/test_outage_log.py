"""An indexer through a database outage: it waits longer after each failure and logs one
traceback, not one every half second."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.database import create_engine
from core.settings import Environment, Settings
from search.embedded import EmbeddedSearch
from search.indexer import Indexer

FAILURES = 4


class StopAfter(logging.Handler):
    """Stops the indexer once it has logged ``count`` failures."""

    def __init__(self, stop: asyncio.Event, count: int) -> None:
        super().__init__()
        self.stop, self.count, self.seen = stop, count, 0

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        if self.seen >= self.count:
            self.stop.set()


async def test_a_database_outage_logs_one_traceback_then_one_line_per_retry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = Settings(
        env=Environment.TEST,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'no-such-folder' / 'x.db'}",
        var_dir=tmp_path,
    )
    engine = create_engine(gone)
    backend = EmbeddedSearch(tmp_path / "search")
    indexer = Indexer(async_sessionmaker(engine), backend, first_retry_seconds=0.01)
    caplog.set_level(logging.INFO, logger="search.indexer")
    stop = asyncio.Event()
    watcher = StopAfter(stop, FAILURES)
    logging.getLogger("search.indexer").addHandler(watcher)
    try:
        async with asyncio.timeout(10):
            await indexer.run(stop)
    finally:
        logging.getLogger("search.indexer").removeHandler(watcher)
        await backend.close()
        await engine.dispose()
    records = [record for record in caplog.records if record.name == "search.indexer"]
    assert len(records) == indexer.outage.failures >= FAILURES, "one record per attempt"
    assert [record.exc_info is not None for record in records[:2]] == [True, False]
    assert all(record.exc_info is None for record in records[1:])
    assert all("\n" not in record.getMessage() for record in records)
    assert "still failing (2 attempts); retrying in 0.02 s: OperationalError" in (
        records[1].getMessage()
    )
