"""The category tree through the JSON API."""

from httpx import AsyncClient


async def test_categories_are_served(client: AsyncClient) -> None:
    tree = (await client.get("/api/v1/categories")).json()
    assert [top["name_zh"] for top in tree] == [
        "产业",
        "人才",
        "公共服务",
        "特殊困难群体",
        "消费帮扶",
    ]
    assert all(len(top["subcategories"]) >= 4 for top in tree)
