"""``GET /health``: 200 while the database answers, 503 when it does not.

The search engine's state and the outbox backlog (changes not yet in the index, and how long
the oldest has waited) are reported but never turn the answer into a 503: search degrades to
the database, writes never depend on it. They do turn ``status`` from ``ok`` to ``degraded``:
when the engine does not answer, or when the index is out of step with the database — its
document count differs from the published entries while no change is waiting to be applied
(an engine that lost its data, a restore without a reindex). ``xiangxing search reindex``
brings it back in step.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.access import PUBLIC
from core.clock import utc_now
from core.database import ping
from search.backend import SearchBackend
from search.indexer import backlog
from search.source import indexable_count

DATABASE_TIMEOUT_SECONDS = 3
SEARCH_TIMEOUT_SECONDS = 2


async def _database_state(engine: AsyncEngine) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(ping(engine), DATABASE_TIMEOUT_SECONDS)
    except Exception as exc:
        return {"ok": False, "backend": engine.dialect.name, "error": type(exc).__name__}
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return {"ok": True, "backend": engine.dialect.name, "latency_ms": elapsed_ms}


async def _search_state(backend: SearchBackend) -> dict[str, Any]:
    try:
        ok = await asyncio.wait_for(backend.health(), SEARCH_TIMEOUT_SECONDS)
        documents = await asyncio.wait_for(backend.count(), SEARCH_TIMEOUT_SECONDS) if ok else None
    except Exception:
        ok, documents = False, None
    return {"engine": backend.engine, "ok": ok, "documents": documents}


async def _outbox_state(session: AsyncSession) -> dict[str, Any]:
    pending = await backlog(session, utc_now())
    published = await indexable_count(session)
    oldest = pending.oldest_pending_seconds
    return {
        "published": published,
        "outbox": {
            "pending": pending.pending,
            "oldest_pending_seconds": None if oldest is None else round(oldest, 1),
        },
    }


def _in_step(search: dict[str, Any]) -> bool | None:
    """Whether the index holds what the database says (None: the engine did not answer);
    while changes wait in the outbox the counts may differ on their way to agreeing."""
    if not search["ok"]:
        return None
    return search["documents"] == search["published"] or search["outbox"]["pending"] > 0


class HealthController(Controller):
    opt = PUBLIC
    path = "/health"
    tags = ["operations"]

    @get("/", summary="Database and search engine state", cache=False)
    async def health(
        self,
        request: Request[Any, Any, Any],
        db_engine: NamedDependency[AsyncEngine],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[dict[str, Any]]:
        database, search_state = await asyncio.gather(
            _database_state(db_engine), _search_state(request.app.state.search.backend)
        )
        healthy = database["ok"]
        status = "ok" if healthy else "unavailable"
        if healthy:
            search_state |= await _outbox_state(db_session)
            search_state["in_step"] = _in_step(search_state)
            if search_state["in_step"] is not True:
                status = "degraded"
        return Response(
            content={
                "status": status,
                "database": database,
                "search": search_state,
            },
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.JSON,
            headers={"Cache-Control": "no-store"},
        )
