"""The contract suite against the embedded SQLite FTS5 engine, plus what only it can show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from search.analysis import query_plan
from search.backend import SearchQuery
from search.documents import document_of_need, document_of_offer
from search.embedded import EmbeddedSearch, match_expression
from tests.search.contract import (
    DOCUMENTS,
    PRIVATE_NAMES,
    PRIVATE_PHONE,
    TODAY,
    SearchContract,
    private_need,
    private_offer,
)


class TestEmbeddedContract(SearchContract):
    @pytest.fixture
    async def backend(self, tmp_path: Path) -> AsyncIterator[EmbeddedSearch]:
        search = EmbeddedSearch(tmp_path / "search")
        yield search
        await search.close()


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[EmbeddedSearch]:
    search = EmbeddedSearch(tmp_path / "var" / "search")
    yield search
    await search.close()


async def test_private_data_is_nowhere_in_the_file(embedded: EmbeddedSearch) -> None:
    await embedded.upsert(
        [document_of_need(private_need(), TODAY), document_of_offer(private_offer(), TODAY)]
    )
    await embedded.close()
    stored = b"".join(path.read_bytes() for path in embedded.directory.iterdir())
    assert b"\xe5\x9b\xb0\xe5\xa2\x83" in stored  # 困境: the need's text is there
    for secret in (PRIVATE_PHONE, *PRIVATE_NAMES):
        assert secret.encode() not in stored


async def test_index_survives_reopening(embedded: EmbeddedSearch) -> None:
    await embedded.upsert(DOCUMENTS)
    await embedded.close()
    reopened = EmbeddedSearch(embedded.directory)
    try:
        assert await reopened.count() == len(DOCUMENTS)
        assert (await reopened.search(SearchQuery(text="托管"))).total == 1
    finally:
        await reopened.close()


async def test_uses_wal(embedded: EmbeddedSearch) -> None:
    assert await embedded.health()
    assert await anyio.Path(f"{embedded.live_file()}-wal").exists()


def test_match_expression_quotes_every_term() -> None:
    expression = match_expression(query_plan('托管 "yl'))
    assert expression == (
        '({title_words words} : "托管" OR infix : "托管")'
        ' AND ({title_words words} : "yl" OR pinyin : "yl"*)'
    )


def test_page_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="page_size"):
        SearchQuery(page_size=101)
    with pytest.raises(ValueError, match="page"):
        SearchQuery(page=0)
