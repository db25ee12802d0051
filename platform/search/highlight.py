"""Matched words marked in a hit's title and description, for both engines: it knows
normalisation, synonyms, infix words and pinyin, which no engine's own highlighter does."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from search.analysis import QueryPlan, comparable, pinyin_spans


@lru_cache(maxsize=1024)
def _literal(mark: str) -> re.Pattern[str]:
    """The pattern finding ``mark`` as typed, compiled once: escaping and looking it up again
    for each of a page's texts took a third of highlighting a page."""
    return re.compile(re.escape(mark))


def _match_spans(text: str, plan: QueryPlan, pinyin: bool) -> list[tuple[int, int]]:
    folded = comparable(text)
    spans: list[tuple[int, int]] = []
    for concept in plan.concepts:
        for mark in concept.marks:
            spans.extend((m.start(), m.end()) for m in _literal(mark).finditer(folded))
        if pinyin and concept.pinyin:
            spans.extend(pinyin_spans(folded, concept.pinyin))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, plan: QueryPlan, width: int | None = None, *, pinyin: bool = True) -> str:
    """``text`` HTML-escaped with what the plan matched in ``<mark>``; with ``width``, only a
    window of that many characters around the first match, ellipsised where cut.

    Both backends use it: it knows synonyms, infix words and pinyin, which no engine's own
    highlighter does.
    """
    spans = _match_spans(text, plan, pinyin)
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - width // 4, len(text) - width))
        end = start + width
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)


SNIPPET_WIDTH = 120


def snippet(description: str, plan: QueryPlan) -> str:
    """An excerpt of a description around its first match. Pinyin is indexed for titles only,
    so it is not looked for here (converting every description to pinyin was the slowest part
    of answering a pinyin query)."""
    return highlight(description, plan, SNIPPET_WIDTH, pinyin=False)
