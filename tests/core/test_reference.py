"""Reference data kept per worker: a change made in the worker shows at once, a change
rolled back is not kept, and what is kept outlives the session that read it."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.categories import KEPT, category_tree
from catalogue.models import Category


async def _rename_first_top(session: AsyncSession, name: str) -> str:
    (top, _subs), *_ = await category_tree(session)
    category = await session.get(Category, top.code)
    assert category is not None
    category.name_en = name
    await session.flush()
    return top.code


async def test_a_category_renamed_in_the_worker_shows_at_once(session: AsyncSession) -> None:
    KEPT.forget()
    code = await _rename_first_top(session, "Renamed at once")
    (top, _subs), *_ = await category_tree(session)
    assert (top.code, top.name_en) == (code, "Renamed at once")


async def test_a_rename_rolled_back_is_not_kept(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    KEPT.forget()
    async with session_maker() as session:
        await _rename_first_top(session, "Never committed")
        (top, _subs), *_ = await category_tree(session)
        assert top.name_en == "Never committed"
        await session.rollback()
    async with session_maker() as session:
        (top, _subs), *_ = await category_tree(session)
        assert top.name_en != "Never committed"


async def test_the_kept_tree_outlives_the_session_that_read_it(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    KEPT.forget()
    async with session_maker() as session:
        tree = await category_tree(session)
        await session.rollback()
    names = [(top.code, top.name("zh"), len(subs)) for top, subs in tree]
    assert len(names) == 5
    assert all(name and subs for _code, name, subs in names)
