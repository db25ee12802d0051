"""``GET /api/v1/categories``: the five top categories with their sub-categories."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.categories import category_tree
from catalogue.schemas import CategoryRead, SubcategoryRead
from core.access import PUBLIC
from core.error_contract import error_responses


class CategoryApiController(Controller):
    path = "/api/v1/categories"
    tags = ["catalogue"]
    opt = PUBLIC

    @get("/", summary="The category tree", responses=error_responses())
    async def categories(self, db_session: NamedDependency[AsyncSession]) -> list[CategoryRead]:
        return [
            CategoryRead(
                code=top.code,
                name_zh=top.name_zh,
                name_en=top.name_en,
                subcategories=[SubcategoryRead.model_validate(sub) for sub in subs],
            )
            for top, subs in await category_tree(db_session)
        ]
