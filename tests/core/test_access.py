"""Every route says who may call it; undeclared routes are refused."""

from httpx import AsyncClient
from litestar import Litestar, get
from litestar.handlers import HTTPRouteHandler

from core.access import declared_access
from tests.clients import serve


async def test_every_route_of_the_app_declares_its_access(app: Litestar) -> None:
    undeclared = [
        f"{sorted(handler.http_methods)} {route.path}"
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if isinstance(handler, HTTPRouteHandler)
        and handler.http_methods != {"OPTIONS"}
        and declared_access(handler) is None
    ]
    assert undeclared == []


@get("/undeclared-on-purpose")
async def undeclared() -> str:
    return "should never be seen"


async def test_an_undeclared_route_is_refused(own_app: Litestar) -> None:
    own_app.register(undeclared)
    async with serve(own_app) as client:
        response = await client.get("/undeclared-on-purpose")
    assert response.status_code == 403
    assert "should never be seen" not in response.text


async def test_protected_pages_send_anonymous_visitors_to_sign_in(client: AsyncClient) -> None:
    response = await client.get("/account/tokens?x=1")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=%2Faccount%2Ftokens%3Fx%3D1"
