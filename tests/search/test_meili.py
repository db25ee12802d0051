"""Meilisearch: the contract suite and a rebuild against a real server, when
``XIANGXING_TEST_SEARCH_URL`` names one (``XIANGXING_TEST_SEARCH_KEY`` its key, if any); how
documents, queries and filters are translated, and an unreachable engine, without one."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import anyio
import pytest
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchCommunicationError
from meilisearch_python_sdk.models.search import SearchResults

from search.analysis import query_plan
from search.backend import Facet, SearchFilters, SearchQuery, Sort
from search.documents import SearchDocument, document_of_need, document_of_offer
from search.embedded import EmbeddedSearch
from search.leniency import correction
from search.meili import (
    REBUILD_SUFFIX,
    SEARCHABLE,
    MeiliSearch,
    document_id_of,
    engine_key,
    filter_expression,
    index_settings,
    meili_document,
    query_string,
    search_request,
    search_result,
    sort_criteria,
    token,
)
from search.meili.lenient import (
    broadened_result,
    candidates_request,
    sampled_vocabulary,
    vocabulary_request,
)
from search.meili.translation import holds, term_of
from tests.search.contract import (
    DOCUMENTS,
    PRIVATE_NAMES,
    PRIVATE_PHONE,
    TODAY,
    ZHAOYANG,
    ZHENXIONG,
    SearchContract,
    private_need,
    private_offer,
)

TEST_URL = os.environ.get("XIANGXING_TEST_SEARCH_URL", "")
TEST_KEY = os.environ.get("XIANGXING_TEST_SEARCH_KEY") or None

needs_server = pytest.mark.skipif(
    not TEST_URL,
    reason="no Meilisearch server: set XIANGXING_TEST_SEARCH_URL (and XIANGXING_TEST_SEARCH_KEY)",
)


@pytest.fixture
async def unprepared() -> AsyncIterator[MeiliSearch]:
    """A backend on an index name of its own; the index, and whatever a rebuild left, are
    deleted afterwards."""
    name = f"xiangxing_test_{uuid.uuid4().hex}"
    search = MeiliSearch(TEST_URL, TEST_KEY, index_name=name)
    yield search
    await search.close()
    async with AsyncClient(TEST_URL, TEST_KEY) as client:
        for uid in (name, name + REBUILD_SUFFIX):
            await client.delete_index_if_exists(uid)


@pytest.fixture
async def meili(unprepared: MeiliSearch) -> MeiliSearch:
    await unprepared.prepare()
    return unprepared


@needs_server
class TestMeiliContract(SearchContract):
    @pytest.fixture
    async def backend(self, meili: MeiliSearch) -> MeiliSearch:
        return meili


@needs_server
async def test_rebuild_swaps_in_a_new_index(meili: MeiliSearch) -> None:
    await meili.upsert(DOCUMENTS[:2])

    async def batches() -> AsyncIterator[Sequence[SearchDocument]]:
        yield DOCUMENTS[2:5]
        assert await meili.count() == 2  # the live index answers during the rebuild
        yield DOCUMENTS[5:]

    assert await meili.rebuild(batches()) == len(DOCUMENTS) - 2
    assert await meili.count() == len(DOCUMENTS) - 2
    assert [hit.id for hit in (await meili.search(SearchQuery(text="托管"))).hits] == []
    assert [hit.id for hit in (await meili.search(SearchQuery(text="天麻"))).hits] == ["offer:3"]
    async with AsyncClient(TEST_URL, TEST_KEY) as client:
        assert await client.get_raw_index(meili.index_name + REBUILD_SUFFIX) is None
        settings = await client.index(meili.index_name).get_settings()
    assert settings.ranking_rules is not None
    assert settings.ranking_rules[0] == "sort"


@needs_server
async def test_first_write_prepares_a_missing_index(unprepared: MeiliSearch) -> None:
    await unprepared.upsert(DOCUMENTS)
    await unprepared.prepare()
    assert await unprepared.count() == len(DOCUMENTS)
    async with AsyncClient(TEST_URL, TEST_KEY) as client:
        settings = await client.index(unprepared.index_name).get_settings()
    assert settings.searchable_attributes == list(SEARCHABLE)


async def test_unreachable_engine_raises_and_is_unhealthy() -> None:
    search = MeiliSearch("http://127.0.0.1:9", None, timeout=1)
    try:
        with anyio.fail_after(10):
            assert not await search.health()
            with pytest.raises(MeilisearchCommunicationError):
                await search.search(SearchQuery(text="养老"))
            with pytest.raises(MeilisearchCommunicationError):
                await search.upsert(DOCUMENTS[:1])
            with pytest.raises(MeilisearchCommunicationError):
                await search.prepare()
    finally:
        await search.close()


def test_tokens_are_plain_ascii_or_one_consonant_code() -> None:
    assert token("yanglao") == "yanglao"
    assert token("20") == "20"
    assert token("床") == "vbhsln"  # U+5E8A, hex digits as consonants
    assert token("服务") == "vbjkbrbhdnc"
    assert token("video") != "video"  # v starts codes only
    for term in ("养老服务中心", "video", "café"):
        assert re.fullmatch("v[b-df-hj-np-t]+", token(term))


@pytest.mark.parametrize("document_id", ["need:1", f"offer:{uuid.UUID(int=7)}", "a_b:c", "乡兴%"])
def test_engine_keys_are_valid_meilisearch_ids_and_reversible(document_id: str) -> None:
    key = engine_key(document_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,511}", key)
    assert document_id_of(key) == document_id


def test_engine_keys_stay_distinct() -> None:
    assert engine_key("need:1") == "need_3a1"
    assert len({engine_key(id_) for id_ in ("a_3ab", "a:b", "a_b", "a-b")}) == 4


def test_query_is_one_required_term_per_concept() -> None:
    # 护理床: the phrase of its bigrams; 床: one character; yl: plain and last (a prefix)
    assert query_string(query_plan("yl 护理床 床")) == (
        f'"{token("护理")} {token("理床")}" "{token("床")}" yl'
    )
    # 长者 has synonyms: unquoted, for the synonyms setting to expand it
    assert query_string(query_plan("长者 托管")) == 'vbmhktblbbh "vbjdhlbkpnc"'
    # only the last word is a prefix; digits and other letters are exact
    assert query_string(query_plan("ylfw yanglao 20")) == '"ylfw" "20" yanglao'
    assert query_string(query_plan("  ")) == ""


def test_filter_values_are_single_quoted_literals() -> None:
    expression = filter_expression(
        SearchFilters(kind="need", category='a"b\\c', county=ZHENXIONG, state="published")
    )
    assert expression == (
        r'kind = "need" AND category = "a\"b\\c"'
        r' AND county_codes = "530627000000" AND state = "published"'
    )
    injected = filter_expression(SearchFilters(category='x" OR kind = "offer'))
    assert injected == r'category = "x\" OR kind = \"offer"'
    assert filter_expression(SearchFilters()) is None


def test_sorting() -> None:
    assert sort_criteria(Sort.RELEVANCE, query_plan("养老")) is None
    assert sort_criteria(Sort.RELEVANCE, query_plan("")) == ["published_at:desc"]
    assert sort_criteria(Sort.AMOUNT, query_plan("养老")) == ["amount:desc", "published_at:desc"]
    assert sort_criteria(Sort.DEADLINE, query_plan("")) == ["deadline:asc", "published_at:desc"]


def test_search_request() -> None:
    query = SearchQuery(
        text="医疗",
        filters=SearchFilters(county=ZHAOYANG),
        facets=frozenset({Facet.COUNTY, Facet.KIND}),
        sort=Sort.NEWEST,
        page=3,
        page_size=7,
    )
    request = search_request(query, query_plan(query.text))
    assert request["query"] == f'"{token("医疗")}"'
    assert request["filter"] == f'county_codes = "{ZHAOYANG}"'
    assert request["facets"] == ["county_codes", "kind"]
    assert request["sort"] == ["published_at:desc"]
    assert (request["page"], request["hits_per_page"]) == (3, 7)
    assert request["matching_strategy"] == "all"
    assert search_request(SearchQuery(), query_plan(""))["query"] is None


def test_search_result_decodes_ids_and_highlights_as_the_embedded_engine() -> None:
    query = SearchQuery(text="老人 护理床", facets=frozenset({Facet.COUNTY, Facet.STATE}))
    plan = query_plan(query.text)
    document = meili_document(DOCUMENTS[0])
    found = SearchResults[dict](
        hits=[{**document, "_rankingScore": 0.75}],
        processing_time_ms=1,
        query=query_string(plan),
        total_hits=1,
        facet_distribution={"county_codes": {ZHENXIONG: 1}, "kind": {"need": 1}},
    )
    result = search_result(query, plan, found)
    (hit,) = result.hits
    assert (hit.id, hit.kind, hit.score) == ("need:1", "need", 0.75)
    assert hit.title_html == "以勒镇养老服务中心缺少<mark>护理床</mark>"
    assert "<mark>老年人</mark>" in hit.snippet
    assert "&lt;尽快&gt; &amp; 到位" in hit.snippet
    assert result.facets == {Facet.COUNTY: {ZHENXIONG: 1}, Facet.STATE: {}}
    assert (result.total, result.engine, result.degraded) == (1, "meilisearch", False)


def test_documents_hold_tokens_and_sortable_numbers() -> None:
    document = meili_document(DOCUMENTS[0])
    assert document["id"] == "need_3a1"
    assert (document["amount"], document["deadline"]) == (40000.0, "2025-06-30")
    assert document["published_at"] == datetime(2025, 3, 1, 9, tzinfo=UTC).timestamp()
    assert document["county_codes"] == [ZHENXIONG]
    assert token("护理") in document["title_words"].split()
    assert {"yanglao", "ylfwzx"} <= set(document["pinyin"].split())
    infix = document["infix"]
    assert " ".join(token(bigram) for bigram in ("服务", "务中", "中心")) in infix
    assert token("床") in infix.split()  # every character once
    assert token("老年人") in infix.split()  # a long synonym found in the description
    for field in SEARCHABLE:
        assert re.fullmatch("[a-z0-9 ]+", document[field])


def test_private_contact_data_never_reaches_meilisearch() -> None:
    for entry in (
        document_of_need(private_need(), TODAY),
        document_of_offer(private_offer(), TODAY),
    ):
        stored = json.dumps(meili_document(entry), ensure_ascii=False)
        tokens = set(" ".join(meili_document(entry)[field] for field in SEARCHABLE).split())
        assert PRIVATE_PHONE not in stored
        for name in PRIVATE_NAMES:
            assert name not in stored
            assert not {token(name[i : i + 2]) for i in range(len(name) - 1)} & tokens


def test_settings() -> None:
    settings = index_settings(["words", "typo", "proximity", "attribute", "sort", "exactness"])
    assert settings.ranking_rules == [
        "sort",
        "words",
        "typo",
        "proximity",
        "attribute",
        "exactness",
    ]
    assert settings.searchable_attributes == ["title_words", "pinyin", "words", "infix"]
    assert settings.synonyms is not None
    assert {token("老人"), token("老年人"), token("老汉")} <= set(settings.synonyms[token("长者")])
    assert {token("红薯"), token("地瓜")} <= set(settings.synonyms["digua"])
    assert settings.typo_tolerance is not None
    assert not settings.typo_tolerance.enabled


def _hits(documents: Sequence[SearchDocument]) -> list[dict[str, object]]:
    """Documents as Meilisearch stores them, answered with a ranking score."""
    return [{**meili_document(document), "_rankingScore": 0.5} for document in documents]


def test_tokens_are_read_back_as_their_terms() -> None:
    for term in ("养老", "护理床", "yanglao", "vip", "5g", "ab"):
        assert term_of(token(term)) == term


@pytest.mark.parametrize(
    "text", ["养老", "老人", "留守儿童 托管", "理床", "ylfw", "村", "洋芋", "農產品", "digua 长者"]
)
async def test_what_a_hit_holds_is_what_the_embedded_engine_matches(
    tmp_path: Path, text: str
) -> None:
    """The broadened answer weighs what each hit holds; it must be what an engine matches."""
    embedded = EmbeddedSearch(tmp_path / "search")
    try:
        await embedded.upsert(DOCUMENTS)
        plan = query_plan(text)
        for concept in plan.concepts:
            matched = await embedded.search(SearchQuery(text=concept.text, page_size=100))
            held = {
                document.id
                for document, hit in zip(DOCUMENTS, _hits(DOCUMENTS), strict=True)
                if holds(concept, hit)
            }
            assert held == {hit.id for hit in matched.hits}, concept.text
    finally:
        await embedded.close()


def test_broadened_answers_follow_complete_ones_with_totals_and_facets() -> None:
    complete = dataclasses.replace(
        DOCUMENTS[7], id="need:20", title="核桃找销路", description="合作社的核桃欢迎收购"
    )
    most = dataclasses.replace(
        DOCUMENTS[7], id="need:21", title="核桃合作社", description="今年核桃丰收，欢迎收购"
    )
    hits = _hits([*DOCUMENTS, most, complete])
    query = SearchQuery(text="合作社的核桃没有销路，想找人收购", facets=frozenset({Facet.KIND}))
    plan = query_plan(query.text)
    frequencies = [sum(holds(concept, hit) for hit in hits) for concept in plan.concepts]
    result = broadened_result(query, plan, hits, frequencies, len(hits))
    assert [hit.id for hit in result.hits][:2] == ["need:20", "need:21"]
    assert result.broadened
    assert result.total == len(result.hits)
    assert result.facets[Facet.KIND]["need"] >= 2
    assert result.hits[0].score > result.hits[1].score


def test_a_typo_is_corrected_from_the_words_of_sampled_hits() -> None:
    vocabulary = sampled_vocabulary(_hits(DOCUMENTS))
    assert correction("天嘛", vocabulary) == "天麻"
    assert correction("经典", [(word, n) for word, n in vocabulary if word != "经典"]) is None
    assert vocabulary_request("天")["query"] == f'"{token("天")}"'


def test_candidates_are_asked_with_the_frequency_strategy() -> None:
    query = SearchQuery(text="合作社的核桃没有销路", filters=SearchFilters(county=ZHAOYANG))
    request = candidates_request(query, query_plan(query.text))
    assert request["matching_strategy"] == "frequency"
    assert request["filter"] == f'county_codes = "{ZHAOYANG}"'
    assert {"title_words", "infix", "kind", "county_codes"} <= set(
        request["attributes_to_retrieve"]
    )
