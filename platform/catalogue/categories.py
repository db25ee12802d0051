"""The shipped category tree: read from ``data/categories.csv`` and kept in the Category table."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Category
from core.categories import TopCategory
from core.reference import ReferenceMemory

CATEGORIES_FILE = Path(__file__).resolve().parent / "data" / "categories.csv"
Tree = list[tuple[Category, list[Category]]]
KEPT: ReferenceMemory[Tree] = ReferenceMemory(Category.__tablename__)
"""The tree every catalogue page shows, kept per worker."""


def read_categories(path: Path = CATEGORIES_FILE) -> list[Category]:
    """The file's rows, checked: the five fixed top categories, every parent one of them."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    tops = {row["code"] for row in rows if not row["parent"]}
    if tops != {category.value for category in TopCategory}:
        msg = f"{path.name}: the top categories must be exactly {[c.value for c in TopCategory]}"
        raise ValueError(msg)
    categories = []
    for position, row in enumerate(rows):
        if row["parent"] and row["parent"] not in tops:
            msg = f"{path.name}: {row['code']} has an unknown parent {row['parent']}"
            raise ValueError(msg)
        categories.append(
            Category(
                code=row["code"],
                parent_code=row["parent"] or None,
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                position=position,
            )
        )
    return categories


async def sync_categories(session: AsyncSession, path: Path = CATEGORIES_FILE) -> int:
    """Insert new categories and update renamed ones; never delete (entries refer to them)."""
    existing = {c.code: c for c in await session.scalars(select(Category))}
    changed = 0
    for category in read_categories(path):
        current = existing.get(category.code)
        values = {
            "parent_code": category.parent_code,
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "position": category.position,
        }
        if current is None:
            session.add(category)
            await session.flush()
            changed += 1
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            changed += 1
    await session.flush()
    return changed


async def category_tree(session: AsyncSession) -> Tree:
    """Top categories in order, each with its sub-categories (kept per worker:
    ``core.reference``)."""
    return await KEPT.get("tree", lambda: _read_tree(session))


async def _read_tree(session: AsyncSession) -> Tree:
    table = Category.__table__
    rows = await session.execute(select(table).order_by(table.c.position))
    categories = [Category(**row._mapping) for row in rows]
    return [
        (top, [c for c in categories if c.parent_code == top.code])
        for top in categories
        if top.parent_code is None
    ]
