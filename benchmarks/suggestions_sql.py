"""PostgreSQL's own time for each statement of a suggestions request, as the app sends it.

The requests of ``suggestions_cpu.py`` (the same entries, the same fixed clock) are made once
each through the app in process, their statements caught as sent, and each is run again with
``EXPLAIN (ANALYZE)`` under PostgreSQL's generic plan (``plan_cache_mode =
force_generic_plan``): asyncpg prepares every statement, and PostgreSQL settles on the generic
plan after five executions. Printed per kind of request: the median over the entries of each
statement's execution time (the median of five runs) and of their sum. Only reads; run it on a
copy of a benchmark database, as ``suggestions_cpu.py`` may create its reviewer.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/copy uv run python benchmarks/suggestions_sql.py
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
from typing import Any

import asyncpg
import httpx
from list_api import BENCH_PASSWORD, BENCH_USER
from sqlalchemy import event, text
from suggestions_cpu import ENTRIES, NOW, PICKED, create_reviewer

from xiangxing.app import create_app

RUNS = 5
SIGN_IN = "api_token"
"""The bearer token's lookup: not the suggestions' own work."""


async def _execution_ms(connection: asyncpg.Connection, sql: str, values: Any) -> float:
    explained = await connection.prepare(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    times = [
        json.loads(await explained.fetchval(*values))[0]["Execution Time"] for _ in range(RUNS)
    ]
    return statistics.median(times)


async def measure() -> dict[str, Any]:
    app = create_app(clock=lambda: NOW)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sent: list[tuple[str, Any]] = []
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://x") as web:
        engine = next(app.state[key] for key in app.state if str(key).startswith("db_engine"))
        token = await web.post(
            "/api/v1/auth/token", json={"username": BENCH_USER, "password": BENCH_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        async with engine.connect() as connection:
            picked = {
                kind: list(
                    await connection.scalars(text(PICKED.format(table=table)), {"n": ENTRIES})
                )
                for kind, table in (("needs", "need"), ("offers", "offer"))
            }
        event.listen(
            engine.sync_engine,
            "before_cursor_execute",
            lambda _c, _r, statement, values, _x, _m: sent.append((statement, values)),
        )
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        database = await asyncpg.connect(url)
        await database.execute("SET plan_cache_mode = force_generic_plan")
        found: dict[str, Any] = {}
        for kind, entries in picked.items():
            by_statement: dict[int, list[float]] = {}
            sums = []
            for entry in entries:
                sent.clear()
                answer = await web.get(f"/api/v1/{kind}/{entry}/suggestions", headers=headers)
                answer.raise_for_status()
                own = [(sql, values) for sql, values in sent if SIGN_IN not in sql]
                times = [await _execution_ms(database, sql, values) for sql, values in own]
                for number, ms in enumerate(times):
                    by_statement.setdefault(number, []).append(ms)
                sums.append(sum(times))
            found[kind] = {
                "statements_ms": [round(statistics.median(ms), 2) for ms in by_statement.values()],
                "sum_ms": round(statistics.median(sums), 2),
            }
        await database.close()
    return found


def main() -> None:
    create_reviewer()
    print(json.dumps(asyncio.run(measure())))


if __name__ == "__main__":
    main()
