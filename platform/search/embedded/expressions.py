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


def _infix_option(phrase: tuple[str, ...]) -> str:
    """The MATCH text finding a bigram phrase in the text. A single bigram needs no column
    filter: wherever it is a term (a two-character word of the title or text, or a bigram) it
    is a substring of the text, hence a term of ``infix`` too, so every column finds the same
    documents, and FTS5 skips reading positions to check the column (老人's 49,000 matches:
    5.7 → 3.6 ms). A longer phrase keeps it: its bigrams in a row must be ``infix``'s."""
    if len(phrase) == 1:
        return _quoted(phrase[0])
    return f"infix : {_quoted(' '.join(phrase))}"


def _match_alternatives(concept: Concept) -> list[str]:
    """FTS5 expressions any of which satisfies the concept (`search.analysis.Concept`), as few
    as find the same documents: a Han word of two characters or more is a substring of the
    indexed text wherever it is a word, so its bigram phrase, when the concept has it, finds
    it already; and a phrase containing another phrase of the concept finds nothing that one
    does not."""
    phrases = list(dict.fromkeys(concept.infix))
    options = [
        _infix_option(phrase)
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


def _typed_options(concept: Concept) -> list[str]:
    """The alternatives finding a concept as it was typed, not only by a synonym: a Han word
    by its bigram phrase, which finds it wherever it is a word and where it is part of a
    longer word; another word as a word."""
    typed = concept.text
    if _PURE_HAN.fullmatch(typed):
        options = [_infix_option(_bigrams(typed))]
    else:
        options = [f"{{title_words words}} : {_quoted(typed)}"]
    if concept.pinyin:
        options.append(f"pinyin : {_quoted(concept.pinyin)}*")
    return options


def literal_expression(plan: QueryPlan, concept: Concept) -> str:
    """The MATCH text finding the plan's documents that say a concept as it was typed, and
    every other concept as `match_expression` does: with the others FTS5 skips ahead, so the
    phrase is checked in fewer documents (留守儿童 托管: 3.5 → 1.7 ms)."""
    options = _typed_options(concept)
    return _every_concept(
        plan, lambda other: options if other is concept else _match_alternatives(other)
    )


def synonym_expression(plan: QueryPlan, concept: Concept) -> str | None:
    """The MATCH text finding the plan's documents that have a concept only by a synonym:
    among the plan's matches, exactly those `literal_expression` does not find. FTS5 walks
    the synonyms' documents and checks the typed word in those only, so this is the cheaper
    listing when the synonyms are the rarer (留守儿童 托管: 4.6 → 0.4 ms). None when every
    alternative finds the typed word (no match can lack it)."""
    typed = _typed_options(concept)
    synonyms = [option for option in _match_alternatives(concept) if option not in typed]
    if not synonyms:
        return None
    only = f"({' OR '.join(synonyms)}) NOT ({' OR '.join(typed)})"
    return _every_concept(
        plan, lambda other: [only] if other is concept else _match_alternatives(other)
    )
