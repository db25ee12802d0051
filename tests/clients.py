"""HTTP clients for tests that talk to the app in the test's own event loop."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar


@asynccontextmanager
async def serve(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in this event loop, lifespan included.

    Litestar's own test client runs the app on a second event loop in a thread, where it
    cannot use the test's open PostgreSQL connection.
    """
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
