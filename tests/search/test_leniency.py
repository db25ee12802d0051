"""The rules of forgiving how a query was typed, on their own (the engines apply them)."""

from __future__ import annotations

import numpy as np

from search.analysis import query_plan
from search.leniency import (
    broadens,
    correction,
    forgives,
    one_character_apart,
    patterns,
    qualifies,
    rarity,
    suspects,
    worth_checking,
)


def test_only_sentences_and_longer_queries_are_broadened() -> None:
    assert broadens(query_plan("合作社 核桃 销路"), found=3, page_size=20)
    assert broadens(query_plan("核桃没有销路"), found=0, page_size=20), "a sentence of two"
    assert not broadens(query_plan("核桃 销路"), found=0, page_size=20), "two keywords"
    assert not broadens(query_plan("合作社 核桃 销路"), found=20, page_size=20)
    assert forgives(query_plan("核挑"), found=0, page_size=20)
    assert not forgives(query_plan("核桃"), found=3, page_size=20)
    assert not forgives(query_plan(""), found=0, page_size=20)


def test_rarer_words_weigh_more_and_words_found_nowhere_nothing() -> None:
    assert rarity(1, 1000) > rarity(100, 1000) > 0
    assert rarity(0, 1000) == 0


def test_a_broadened_match_holds_two_thirds_by_count_or_by_weight() -> None:
    weights = [1.0, 1.0, 1.0, 0.0]
    held = np.array([2.0, 1.0, 0.0])
    counts = np.array([2, 1, 0])
    assert qualifies(held, counts, weights, 2 / 3).tolist() == [True, False, False]
    rare_and_common = [3.0, 0.5, 0.5]
    assert qualifies(3.0, 1, rare_and_common, 2 / 3), "the rare word weighs enough alone"
    assert not qualifies(1.0, 2, [1.0] * 6, 2 / 3)


def test_the_most_frequent_word_one_character_away_is_meant() -> None:
    vocabulary = [("核桃", 12), ("核算", 3), ("桃树", 40), ("核挑战", 9)]
    assert correction("核挑", vocabulary) == "核桃"
    assert correction("景点", [("经典", 50)]) is None, "homophones differ in every character"
    assert one_character_apart("护理窗", "护理床")
    assert not one_character_apart("核挑", "核挑")
    assert patterns("核挑") == ["?挑", "核?"]


def test_suspects_are_words_found_nowhere_and_the_runs_they_were_cut_from() -> None:
    plan = query_plan("护理窗")
    (nowhere,) = [concept for concept in plan.concepts if concept.text == "窗"]
    assert suspects(plan, [nowhere]) == ["护理窗", "窗"]
    assert worth_checking("护理窗", plan, {})
    assert not worth_checking("窗", plan, {}), "one character is no word to correct"
    assert not worth_checking("理窗", plan, {"护理窗": "护理床"}), "inside a corrected run"
    sentence = query_plan("家里有人长了褥疮怎么办")
    assert not worth_checking("褥疮", sentence, {}), "two characters of a sentence"
