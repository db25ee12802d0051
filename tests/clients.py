"""HTTP clients for tests that talk to the app in the test's own event loop."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.middleware.session.client_side import ClientSideSessionBackend
from litestar.types import ASGIApp

BASE_URL = "http://testserver"


class AppClient(httpx.AsyncClient):
    """A client of one app that knows the app, so that helpers can use the app's own services
    (`tests.factories.sign_in`). ``asgi`` receives the requests when it is not the app itself
    (a wrapper that watches them)."""

    def __init__(self, app: Litestar, *, asgi: ASGIApp | None = None) -> None:
        super().__init__(transport=httpx.ASGITransport(app=asgi or app), base_url=BASE_URL)
        self.app = app

    def keep_session(self, data: dict[str, Any]) -> None:
        """Keep the session cookie the app would set for ``data``: sealed by the app's own
        cookie backend, stored as the answer to a request would store it."""
        backend = _session_backend(self.app)
        (sealed,) = backend.dump_data(data)
        answer = httpx.Response(
            200,
            headers={"set-cookie": f"{backend.config.key}={sealed.decode()}; Path=/"},
            request=httpx.Request("GET", self.base_url),
        )
        self.cookies.extract_cookies(answer)


def _session_backend(app: Litestar) -> ClientSideSessionBackend:
    for layer in app.middleware:
        backend = getattr(layer, "kwargs", {}).get("backend")
        if isinstance(backend, ClientSideSessionBackend):
            return backend
    msg = "the app keeps no cookie sessions"
    raise LookupError(msg)


def app_client(client: httpx.AsyncClient) -> AppClient:
    """The client as one that knows its app: clients made by `serve` are."""
    if not isinstance(client, AppClient):
        msg = "use a client made by tests.clients.serve"
        raise TypeError(msg)
    return client


@asynccontextmanager
async def serve(app: Litestar, *, asgi: ASGIApp | None = None) -> AsyncIterator[AppClient]:
    """An HTTP client talking to the app in this event loop, lifespan included.

    Litestar's own test client runs the app on a second event loop in a thread, where it
    cannot use the test's open PostgreSQL connection.
    """
    async with app.lifespan(), AppClient(app, asgi=asgi) as client:
        yield client
