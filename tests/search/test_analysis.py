"""The Chinese analysis on its own: segmentation, bigrams, pinyin, synonyms, query plans."""

from __future__ import annotations

import pytest

from search.analysis import (
    DICTIONARY_FILE,
    SYNONYMS_FILE,
    highlight,
    infix_terms,
    pinyin_terms,
    query_plan,
    synonyms_of,
    words,
)


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
    assert synonyms_of("长者") == {"老人", "老年人", "长者", "老年"}
    assert "老年人" in synonyms_of("老人")
    assert synonyms_of("苹果") == {"苹果"}


def test_shipped_data_files() -> None:
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    groups = [line.split(",") for line in lines[1:]]
    assert len(groups) >= 15
    assert all(len(group) >= 2 and all(word.strip() for word in group) for group in groups)
    assert {"留守儿童", "社工站", "天麻", "消费帮扶"} <= set(DICTIONARY_FILE.read_text().split())


def test_query_plan_of_chinese_expands_synonyms() -> None:
    (concept,) = query_plan("老人").concepts
    assert concept.words[0] == "老人"
    assert set(concept.words) == {"老人", "老年人", "长者", "老年"}
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
