"""The yardstick for ``ceiling.py``: the same stack with nothing of the platform in it — Litestar,
SQLAlchemy Core over asyncpg and Jinja2, on the platform's own database — so that the ratio of
a platform page to this one is the platform's own cost.

``/fortunes`` is a TechEmpower-style page (a few rows read, one added, sorted and rendered
through an escaping template; here the county names of ``region``); ``/needs`` a filtered list
of 20 published needs of a county over the whole ``need`` table, as JSON.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import Environment
from litestar import Litestar, MediaType, get
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html><head><title>Fortunes</title></head><body><table>"
    "<tr><th>id</th><th>message</th></tr>"
    "{% for code, name in rows %}<tr><td>{{ code }}</td><td>{{ name }}</td></tr>{% endfor %}"
    "</table></body></html>"
)
COUNTIES = text("SELECT code, name FROM region WHERE level = 'county'")
NEEDS = text(
    "SELECT id, title, county_code, urgency, published_at FROM need "
    "WHERE state = 'published' AND county_code = :county "
    "ORDER BY published_at DESC LIMIT 20"
)
engine: AsyncEngine = create_async_engine(
    os.environ["XIANGXING_DATABASE_URL"], pool_size=10, max_overflow=0
)


@get("/fortunes", media_type=MediaType.HTML)
async def fortunes() -> str:
    async with engine.connect() as connection:
        rows = [tuple(row) for row in await connection.execute(COUNTIES)]
    rows.append(("0", "额外的一行：<script>alert('转义')</script>"))
    return PAGE.render(rows=sorted(rows, key=lambda row: row[1]))


@get("/needs")
async def needs(county: str) -> dict[str, Any]:
    async with engine.connect() as connection:
        rows = await connection.execute(NEEDS, {"county": county})
        items = [
            {
                "id": str(row.id),
                "title": row.title,
                "county": row.county_code,
                "urgency": row.urgency,
                "published_at": row.published_at,
            }
            for row in rows
        ]
    return {"items": items, "total": len(items)}


app = Litestar(route_handlers=[fortunes, needs])
