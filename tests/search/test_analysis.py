"""The Chinese analysis on its own: segmentation, bigrams, pinyin, synonyms, query plans."""

from __future__ import annotations

import pytest

from search.analysis import (
    DICTIONARY_FILE,
    infix_terms,
    normalise,
    pinyin_terms,
    query_plan,
    stopwords,
    synonym_groups,
    synonyms_of,
    words,
)
from search.highlight import highlight


def test_search_mode_keeps_the_word_and_its_parts() -> None:
    assert {"养老", "服务", "中心", "养老服务中心"} <= set(words("养老服务中心"))
    assert {"留守", "儿童", "留守儿童", "托管"} <= set(words("留守儿童暑期托管"))


@pytest.mark.parametrize("word", ["社工站", "易地扶贫搬迁", "昭通苹果", "儿童之家", "乡村振兴"])
def test_domain_dictionary_words_stay_whole(word: str) -> None:
    assert word in words(f"镇雄县{word}项目")


def test_words_are_casefolded_letters_and_digits_only() -> None:
    assert set(words("APP培训 3.5G!")) == {"app", "培训", "3", "5g"}


def test_infix_bigrams_cover_every_substring() -> None:
    assert infix_terms("待处理") == ["待处", "处理"]
    assert infix_terms("村, 待处理") == ["村", "待处", "处理"]
    assert infix_terms("abc") == []


def test_pinyin_terms_of_a_title() -> None:
    assert {"yanglao", "fuwu", "yanglaofuwu", "ylfw", "yl", "fw"} <= set(pinyin_terms("养老服务"))


def test_pinyin_reads_polyphones_in_context() -> None:
    assert "chongqing" in pinyin_terms("重庆")
    assert "zhongyao" in pinyin_terms("重要")


def test_homophones_share_pinyin_but_not_words() -> None:
    assert "jingdian" in pinyin_terms("景点")
    assert "jingdian" in pinyin_terms("经典")
    assert not set(words("景点")) & set(words("经典"))
    assert not set(infix_terms("景点")) & set(infix_terms("经典"))


def test_synonyms_are_groups() -> None:
    assert {"老人", "老年人", "长者", "老汉"} <= synonyms_of("长者")
    assert "老年人" in synonyms_of("老人")
    assert synonyms_of("苹果") == {"苹果"}


def test_shipped_data_files() -> None:
    groups = synonym_groups()
    assert len(groups) >= 40
    assert all(len(words) >= 2 and len(source) >= 4 for words, source in groups), (
        "every group has two words or more and says where it comes from"
    )
    every = [word for words, _source in groups for word in words]
    assert len(every) == len(set(every)), "a word belongs to one group"
    assert {"留守儿童", "社工站", "天麻", "消费帮扶"} <= set(DICTIONARY_FILE.read_text().split())
    assert {"的", "想", "找", "怎么办", "地方", "一下", "帮忙"} <= stopwords()


def test_query_plan_of_chinese_expands_synonyms() -> None:
    (concept,) = query_plan("老人").concepts
    assert concept.words[0] == "老人"
    assert {"老人", "老年人", "长者", "老年"} <= set(concept.words)
    assert ("老年", "年人") in concept.infix
    assert concept.pinyin is None


def test_query_plan_of_mixed_input() -> None:
    plan = query_plan("  留守儿童 托管的 YangLao 2025 ")
    assert [concept.text for concept in plan.concepts] == ["留守儿童", "托管", "yanglao", "2025"]
    assert plan.concepts[2].pinyin == "yanglao"
    assert plan.concepts[3].pinyin is None


def test_query_plan_single_characters_and_stopwords() -> None:
    (concept,) = query_plan("村").concepts
    assert concept.infix_prefix == "村"
    assert [c.text for c in query_plan("的").concepts] == ["的"]
    assert query_plan("  ，。 ").is_empty


def test_highlight_escapes_and_marks() -> None:
    plan = query_plan("老人")
    assert highlight("<b>老年人</b> & 长者", plan) == (
        "&lt;b&gt;<mark>老年人</mark>&lt;/b&gt; &amp; <mark>长者</mark>"
    )


def test_highlight_window() -> None:
    text = "甲" * 100 + "托管" + "乙" * 100
    snippet = highlight(text, query_plan("托管"), width=40)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>托管</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == 42


def test_highlight_pinyin_marks_the_words() -> None:
    assert highlight("养老服务中心", query_plan("ylfw")) == "<mark>养老服务中心</mark>"
    assert highlight("经典诵读", query_plan("jingdian")) == "<mark>经典</mark>诵读"


def test_pinyin_runs_skip_what_is_not_han() -> None:
    assert "ylfw" in pinyin_terms("养老、服务")
    assert highlight("为养老、APP服务", query_plan("ylfw")) == "为<mark>养老、APP服务</mark>"


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("農產品", "农产品"),
        ("醫療設備", "医疗设备"),
        ("５Ｇ", "5g"),
        ("ＡＢ型", "ab型"),
        ("APP", "app"),
    ],
)
def test_normalisation_folds_script_width_and_case(typed: str, normalised: str) -> None:
    assert normalise(typed) == normalised


def test_documents_and_queries_are_normalised_alike() -> None:
    assert "农产品" in words("農產品直播")
    assert infix_terms("醫療") == ["医疗"]
    assert [c.text for c in query_plan("ＡＢ型 農產品").concepts] == ["ab", "型", "农产品"]


def test_a_sentence_keeps_its_content_words() -> None:
    plan = query_plan("合作社的核桃没有销路，想找人收购")
    assert [c.text for c in plan.concepts] == ["合作社", "核桃", "销路", "收购"]
    assert plan.phrased
    keywords = query_plan("核桃 收购")
    assert [c.text for c in keywords.concepts] == ["核桃", "收购"]
    assert not keywords.phrased


def test_dialect_words_and_their_pinyin_find_the_group() -> None:
    assert {"红薯", "番薯"} <= synonyms_of("地瓜")
    assert "玉米" in synonyms_of("苞谷")
    (concept,) = query_plan("digua").concepts
    assert {"digua", "地瓜", "红薯"} <= set(concept.words)
    assert concept.pinyin == "digua"


def test_highlight_marks_traditional_text_by_its_simplified_words() -> None:
    assert highlight("農產品直播", query_plan("农产品")) == "<mark>農產品</mark>直播"
