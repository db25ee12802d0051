"""The contract suite against the embedded SQLite FTS5 engine, plus what only it can show."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from search.analysis import query_plan
from search.backend import Facet, SearchQuery
from search.documents import SearchDocument, document_of_need, document_of_offer
from search.embedded import (
    EmbeddedSearch,
    match_expression,
    ranking,
    score_expression,
    storage,
    title_expression,
)
from search.embedded.expressions import literal_expression, synonym_expression
from tests.search.contract import (
    DOCUMENTS,
    LUDIAN,
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


def test_expressions_quote_every_term() -> None:
    plan = query_plan('托管 "yl')
    assert match_expression(plan) == ('("托管") AND ({title_words words} : "yl" OR pinyin : "yl"*)')
    assert score_expression(plan) == (
        '({title_words words} : "托管") AND ({title_words words} : "yl" OR pinyin : "yl"*)'
    )
    assert score_expression(plan, bigrams=True) == (
        '({title_words words} : "托管" OR infix : "托管")'
        ' AND ({title_words words} : "yl" OR pinyin : "yl"*)'
    )
    assert title_expression(plan) == (
        '(title_words : "托管") AND (title_words : "yl" OR pinyin : "yl"*)'
    )


@pytest.mark.parametrize(
    "text",
    ["养老", "老人", "留守儿童", "护理床", "理床", "电子商务协会", "镇雄县 景点", "ylfw", "床"],
)
async def test_match_expression_finds_what_every_alternative_finds(
    embedded: EmbeddedSearch, text: str
) -> None:
    await embedded.upsert(DOCUMENTS)
    plan = query_plan(text)
    connection = sqlite3.connect(embedded.live_file())
    try:
        found = [
            set(
                connection.execute(
                    "SELECT rowid FROM document_fts WHERE document_fts MATCH ?", (expression,)
                )
            )
            for expression in (match_expression(plan), score_expression(plan, bigrams=True))
        ]
    finally:
        connection.close()
    assert found[0] == found[1]


@pytest.mark.parametrize("text", ["老人", "老年人", "长者", "娃娃", "土豆", "留守儿童 托管"])
async def test_the_matches_by_a_synonym_only_are_those_not_saying_the_word(
    embedded: EmbeddedSearch, text: str
) -> None:
    """Either listing tells the same matches apart: which say the word as typed."""
    await embedded.upsert(DOCUMENTS)
    await embedded.upsert([_need(600, "老人食堂", "长者助餐"), _need(601, "长者之家", "老汉")])
    plan = query_plan(text)
    connection = sqlite3.connect(embedded.live_file())

    def found(expression: str) -> set[int]:
        query = "SELECT rowid FROM document_fts WHERE document_fts MATCH ?"
        return {rowid for (rowid,) in connection.execute(query, (expression,))}

    try:
        matches = found(match_expression(plan))
        for concept in (c for c in plan.concepts if len(c.words) > 1):
            by_synonym = synonym_expression(plan, concept)
            assert by_synonym is not None
            saying = found(literal_expression(plan, concept))
            assert saying <= matches
            assert found(by_synonym) == matches - saying
    finally:
        connection.close()


async def test_the_typed_word_ranks_first_whichever_side_is_rarer(
    embedded: EmbeddedSearch,
) -> None:
    """老人 is said by three documents, 长者 by one, in its title (which weighs more): for
    老人 the documents saying it come first (found as those not having it only by 长者),
    for 长者 the one saying 长者 (found directly)."""
    saying = [_need(700 + n, "助餐服务", f"为村里{n}位老人送餐") for n in range(3)]
    synonym = _need(710, "长者食堂", "午餐")
    await embedded.upsert([*saying, synonym])
    elder = [hit.id for hit in (await embedded.search(SearchQuery(text="老人"))).hits]
    assert set(elder[:3]) == {document.id for document in saying}
    assert elder[3] == synonym.id
    assert (await embedded.search(SearchQuery(text="长者"))).hits[0].id == synonym.id


def test_page_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="page_size"):
        SearchQuery(page_size=101)
    with pytest.raises(ValueError, match="page"):
        SearchQuery(page=0)


def _need(number: int, title: str, description: str) -> SearchDocument:
    """The contract's first need under another id and text."""
    return dataclasses.replace(
        DOCUMENTS[0], id=f"need:{number}", title=title, description=description
    )


async def test_title_matches_come_first_past_the_ranking_cap(
    embedded: EmbeddedSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more matches than bm25 ranks, the title matches are ranked even when they are the
    oldest; the rest follow newest first, and totals, facets and pages cover every match."""
    monkeypatch.setattr(ranking, "RANKED", 4)
    monkeypatch.setattr(ranking, "TITLE_WINDOW", 5)
    titled = [_need(100 + n, f"天麻种植培训第{n}期", "帮助农户提高产量") for n in range(3)]
    mentioned = [_need(200 + n, "马铃薯储存", f"顺带介绍天麻的{n}种用法") for n in range(10)]
    await embedded.upsert(titled)
    await embedded.upsert(mentioned)
    pages = [
        await embedded.search(
            SearchQuery(text="天麻", page=page, page_size=5, facets=frozenset({Facet.KIND}))
        )
        for page in (1, 2, 3)
    ]
    assert {hit.id for hit in pages[0].hits[:3]} == {document.id for document in titled}
    assert [(result.total, result.facets[Facet.KIND]) for result in pages] == [
        (13, {"need": 13})
    ] * 3
    seen = [hit.id for result in pages for hit in result.hits]
    assert seen[3:] == [document.id for document in reversed(mentioned)]

    newer = [_need(300 + n, f"天麻烘干第{n}批", "帮助农户提高产量") for n in range(4)]
    await embedded.upsert(newer)
    hits = (await embedded.search(SearchQuery(text="天麻", page_size=4))).hits
    assert {hit.id for hit in hits} == {document.id for document in newer}


async def test_words_found_only_inside_longer_words_are_ranked(
    embedded: EmbeddedSearch,
) -> None:
    """理床 is never a word, only part of 护理床: bm25 ranks it by its bigram, not by age."""
    often = _need(300, "护理床", "护理床护理床护理床")
    once = _need(301, "护理床", "需要设备")
    await embedded.upsert([often])
    await embedded.upsert([once])
    hits = (await embedded.search(SearchQuery(text="理床"))).hits
    assert [hit.id for hit in hits] == [often.id, once.id]
    assert hits[0].score > hits[1].score > 0


async def test_matches_inside_longer_words_follow_word_matches_on_every_page(
    embedded: EmbeddedSearch,
) -> None:
    """养老人员 holds 老人 only inside other words: it follows the document where 老人 is a
    word, with a score no higher, however short it is and however often it says it."""
    unrelated = [_need(500 + n, "道路硬化", "村里道路需要硬化") for n in range(10)]
    word = _need(400, "助餐服务", "为村里的老人提供午餐，" + "送餐上门并定期回访，" * 8)
    inside = _need(401, "养老人员", "养老人员养老人员养老人员养老人员")
    await embedded.upsert([*unrelated, word, inside])
    hits = (await embedded.search(SearchQuery(text="老人"))).hits
    assert [hit.id for hit in hits] == [word.id, inside.id]
    assert hits[0].score >= hits[1].score > 0
    paged = [
        hit.id
        for page in (1, 2)
        for hit in (await embedded.search(SearchQuery(text="老人", page=page, page_size=1))).hits
    ]
    assert paged == [word.id, inside.id]


async def test_a_write_from_another_instance_reaches_totals_and_facets(
    embedded: EmbeddedSearch,
) -> None:
    """The indexer may write from another process: this one's next search sees the commit."""
    await embedded.upsert(DOCUMENTS)
    wanted = frozenset({Facet.KIND, Facet.COUNTY, Facet.URGENCY})
    before = await embedded.search(SearchQuery(facets=wanted))
    assert before.facets[Facet.KIND] == {"need": 5, "offer": 3}
    writer = EmbeddedSearch(embedded.directory)
    try:
        await writer.delete(["need:1"])
        await writer.upsert(
            [
                dataclasses.replace(DOCUMENTS[1], urgency="red"),
                dataclasses.replace(
                    DOCUMENTS[2], id="offer:9", title="养老院助浴设备", county_codes=(LUDIAN,)
                ),
            ]
        )
    finally:
        await writer.close()
    after = await embedded.search(SearchQuery(facets=wanted))
    assert after.total == len(DOCUMENTS)
    assert after.facets[Facet.KIND] == {"need": 4, "offer": 4}
    assert after.facets[Facet.URGENCY] == {"red": 2, "green": 2}
    assert after.facets[Facet.COUNTY][LUDIAN] == 2
    assert [hit.id for hit in (await embedded.search(SearchQuery(text="养老"))).hits] == ["offer:9"]


async def test_a_rebuild_by_another_instance_reaches_totals_and_facets(
    embedded: EmbeddedSearch,
) -> None:
    await embedded.upsert(DOCUMENTS)
    assert (await embedded.search(SearchQuery())).total == len(DOCUMENTS)

    async def batches() -> AsyncIterator[list[SearchDocument]]:
        yield DOCUMENTS[:3]

    writer = EmbeddedSearch(embedded.directory)
    try:
        await writer.rebuild(batches())
    finally:
        await writer.close()
    result = await embedded.search(SearchQuery(facets=frozenset({Facet.KIND})))
    assert (result.total, result.facets[Facet.KIND]) == (3, {"need": 2, "offer": 1})


async def test_a_reader_behind_the_trimmed_change_log_loads_afresh(
    embedded: EmbeddedSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "CHANGES_KEPT", 2)
    await embedded.upsert(DOCUMENTS)
    assert (await embedded.search(SearchQuery())).total == len(DOCUMENTS)
    writer = EmbeddedSearch(embedded.directory)
    try:
        for document in DOCUMENTS[:3]:
            await writer.delete([document.id])
    finally:
        await writer.close()
    result = await embedded.search(SearchQuery(facets=frozenset({Facet.KIND})))
    assert (result.total, result.facets[Facet.KIND]) == (5, {"need": 3, "offer": 2})
