"""``GET /health``: 200 while the database answers, 503 when it does not.

The search engine's state is reported but never turns the answer into a 503: search degrades
to the database, writes never depend on it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.ext.asyncio import AsyncEngine

from accounts.access import PUBLIC
from core.database import ping
from core.settings import Settings
from search.health import probe_search

DATABASE_TIMEOUT_SECONDS = 3


async def _database_state(engine: AsyncEngine) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(ping(engine), DATABASE_TIMEOUT_SECONDS)
    except Exception as exc:
        return {"ok": False, "backend": engine.dialect.name, "error": type(exc).__name__}
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return {"ok": True, "backend": engine.dialect.name, "latency_ms": elapsed_ms}


class HealthController(Controller):
    opt = PUBLIC
    path = "/health"
    tags = ["operations"]

    @get("/", summary="Database and search engine state", cache=False)
    async def health(
        self, db_engine: NamedDependency[AsyncEngine], settings: NamedDependency[Settings]
    ) -> Response[dict[str, Any]]:
        database, search = await asyncio.gather(_database_state(db_engine), probe_search(settings))
        healthy = database["ok"]
        return Response(
            content={
                "status": "ok" if healthy else "unavailable",
                "database": database,
                "search": {"engine": search.engine, "ok": search.ok, "detail": search.detail},
            },
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.JSON,
            headers={"Cache-Control": "no-store"},
        )
