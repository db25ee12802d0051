"""The FTS5 MATCH texts a `QueryPlan` becomes: to find, to score, to find in titles."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from search.analysis import (
    HAN,
    Concept,
    QueryPlan,
)

_PURE_HAN = re.compile(f"[{HAN}]{{2,}}")


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _bigrams(word: str) -> tuple[str, ...]:
    return tuple(word[i : i + 2] for i in range(len(word) - 1))


def _contains(phrase: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    return any(phrase[i : i + len(inner)] == inner for i in range(len(phrase) - len(inner) + 1))


def _match_alternatives(concept: Concept) -> list[str]:
    """FTS5 expressions any of which satisfies the concept (`search.analysis.Concept`), as few
    as find the same documents: a Han word of two characters or more is a substring of the
    indexed text wherever it is a word, so its bigram phrase, when the concept has it, finds
    it already; and a phrase containing another phrase of the concept finds nothing that one
    does not."""
    phrases = list(dict.fromkeys(concept.infix))
    options = [
        f"infix : {_quoted(' '.join(phrase))}"
        for phrase in phrases
        if not any(other != phrase and _contains(phrase, other) for other in phrases)
    ]
    options += [
        f"{{title_words words}} : {_quoted(word)}"
        for word in concept.words
        if not (_PURE_HAN.fullmatch(word) and _bigrams(word) in phrases)
    ]
    if concept.infix_prefix:
        options.append(f"infix : {_quoted(concept.infix_prefix)}*")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _score_alternatives(concept: Concept, *, bigrams: bool) -> list[str]:
    options = [f"{{title_words words}} : {_quoted(word)}" for word in concept.words]
    if bigrams:
        options += [f"infix : {_quoted(' '.join(phrase))}" for phrase in concept.infix]
    if concept.infix_prefix:
        options.append(f"infix : {_quoted(concept.infix_prefix)}*")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _title_alternatives(concept: Concept) -> list[str]:
    options = [f"title_words : {_quoted(word)}" for word in concept.words]
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def _every_concept(plan: QueryPlan, alternatives: Callable[[Concept], list[str]]) -> str:
    return " AND ".join(f"({' OR '.join(alternatives(c))})" for c in plan.concepts)


def match_expression(plan: QueryPlan) -> str:
    """The FTS5 MATCH text finding the plan's documents: every concept, each by any of its
    alternatives."""
    return _every_concept(plan, _match_alternatives)


def score_expression(plan: QueryPlan, *, bigrams: bool = False) -> str:
    """The MATCH text bm25 scores with: every concept by its words (a title word weighing
    most), single characters and pinyin, and with ``bigrams`` by its bigram phrases too. The
    phrases double the cost of scoring and weigh least, so they are scored only when words
    alone leave a page short (a word found only inside longer words)."""
    return _every_concept(plan, partial(_score_alternatives, bigrams=bigrams))


def title_expression(plan: QueryPlan) -> str:
    """The MATCH text finding the documents whose title has every concept as a word (or by
    pinyin, which is indexed for titles only)."""
    return _every_concept(plan, _title_alternatives)


def concept_expression(concept: Concept) -> str:
    """The MATCH text finding the documents that have one concept (for its frequency)."""
    return f"({' OR '.join(_match_alternatives(concept))})"


def any_expression(plan: QueryPlan) -> str:
    """The MATCH text bm25 scores broadened matches with: any concept, by its words (bigram
    phrases would double the cost of what only breaks ties between equal weights)."""
    return " OR ".join(
        f"({' OR '.join(_score_alternatives(c, bigrams=False))})" for c in plan.concepts
    )


def literal_expression(plan: QueryPlan, concept: Concept) -> str:
    """The MATCH text finding the plan's documents that say a concept as it was typed, not
    only by a synonym (the word, or its bigram phrase where it is part of a longer word), and
    every other concept as `match_expression` does: with the others FTS5 skips ahead, so the
    phrase is checked in fewer documents (留守儿童 托管: 3.5 → 1.7 ms)."""
    typed = concept.text
    options = [f"{{title_words words}} : {_quoted(typed)}"]
    if _PURE_HAN.fullmatch(typed):
        options.append(f"infix : {_quoted(' '.join(_bigrams(typed)))}")
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return _every_concept(
        plan, lambda other: options if other is concept else _match_alternatives(other)
    )
