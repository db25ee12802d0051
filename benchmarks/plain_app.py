"""A bare Litestar JSON endpoint, served the same way as the platform, as the yardstick:
the platform's own cost is its latency over this one's, measured in the same run."""

from litestar import Litestar, get


@get("/plain")
async def plain() -> dict[str, object]:
    return {"items": [{"id": index, "title": "需求"} for index in range(20)], "total": 20}


app = Litestar(route_handlers=[plain])
