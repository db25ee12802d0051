"""Is the search engine answering? Reported by ``/health``; an outage never fails the app."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from meilisearch_python_sdk import AsyncClient

from core.settings import Settings

PROBE_TIMEOUT_SECONDS = 2


@dataclass(frozen=True, slots=True)
class SearchHealth:
    engine: str
    ok: bool
    detail: str


async def probe_search(settings: Settings) -> SearchHealth:
    if not settings.search_url:
        return SearchHealth(engine="embedded", ok=True, detail="in-process")
    try:
        async with AsyncClient(
            settings.search_url,
            settings.search_api_key.get_secret_value() or None,
            timeout=PROBE_TIMEOUT_SECONDS,
        ) as client:
            health = await asyncio.wait_for(client.health(), PROBE_TIMEOUT_SECONDS)
    except Exception as exc:
        return SearchHealth(engine="meilisearch", ok=False, detail=type(exc).__name__)
    return SearchHealth(engine="meilisearch", ok=health.status == "available", detail=health.status)
