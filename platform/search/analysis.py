"""How Chinese text becomes searchable terms, and how a query becomes the terms to look up.

Documents and queries are first *normalised* alike (`normalise`): Unicode NFKC folds
full-width letters and digits (５Ｇ → 5G), OpenCC turns traditional characters into simplified
ones (農產品 → 农产品), and case is folded, so what people type in either script or width finds
the same words. Both backends index the same four kinds of terms and read the same
`QueryPlan`, so a query finds the same entries whichever engine answers:

* **Words** — rjieba's search-mode cut, with ``data/dictionary.txt`` (and every synonym) kept
  whole. Search mode emits each word *and* the dictionary words inside it, so 养老服务中心 is
  indexed as 养老, 服务, 中心, 养老服务中心 and a query for 养老 finds it as a whole word, ranked
  by bm25 like any word. rjieba cuts exactly as jieba does, about 20 times faster (≈5.8M
  chars/s against ≈270k) and without jieba's 1.5 s dictionary load and temp-dir cache file.
* **Infix bigrams** — the overlapping character pairs of every run of Han characters. A
  segmenter decides once where words end, so a word it never emits is lost: 待处理 may be one
  word, and a search for 处理 must still find it. A query word becomes the *phrase* of its
  bigrams, which matches exactly where the word occurs as a substring (Meilisearch matches
  prefixes only). Character trigrams would miss most Chinese words, which are two characters.
  Words are weighted above bigrams, so whole-word matches rank first.
* **Pinyin** — of the title only, in a separate field: each word's full pinyin and initials
  and those of runs of up to four consecutive words (养老服务 → yanglao, fuwu, yanglaofuwu,
  ylfw), matched by prefix, so yanglao, ylfw or yanglaof all find it. Pinyin is never used to
  normalise the Chinese fields: 景点 and 经典 are both jingdian, and a search typed in Chinese
  must find only the characters typed.
* **Synonyms** — ``data/synonyms.csv`` (everyday and dialect words too, each group with its
  source or reason), applied on the query side (a word looks up its whole group), so changing
  the list needs no reindex. The full pinyin of a synonym finds its group (digua → 地瓜, 红薯).

A query typed as a sentence loses its function words and phrasing (``data/stopwords.txt``:
的, 想, 找, 怎么办, 地方 …) and keeps its content words; the plan says it was phrased, which
lets the engines broaden it (`search.leniency`).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import opencc
import rjieba

DATA_DIR = Path(__file__).resolve().parent / "data"
SYNONYMS_FILE = DATA_DIR / "synonyms.csv"
DICTIONARY_FILE = DATA_DIR / "dictionary.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{HAN}]+")
_TERM = re.compile(r"[^\W_]+")
"""What a token is once indexed: the FTS5 unicode61 tokenizer splits on everything else."""
_QUERY_PIECE = re.compile(f"(?P<han>[{HAN}]+)|(?P<other>[^\\W_{HAN}]+)")
PINYIN_RUN = 4
"""Consecutive title words whose joined pinyin is indexed (养老服务中心 → yanglaofuwuzhongxin)."""
_COMPOUND = 4
"""Query words this long or longer are compounds, looked up by the words inside them."""
_SENTENCE_TOPICS = 2
"""Words of two characters or more that make a sentence's single characters (做, 来, 带, 晒)
phrasing rather than topics."""
_GROUP_SEPARATOR = "/"
"""Separates the words of a synonym group in the first column of ``synonyms.csv``."""


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing the user typed; a document must match every concept of the query.

    A concept matches if any of its word terms is a word of the document, any of its infix
    phrases occurs in it, or (for letters) its pinyin prefix starts a pinyin term of the title.
    """

    text: str
    words: tuple[str, ...]
    """Exact terms for the word fields: the typed word and its synonyms."""
    infix: tuple[tuple[str, ...], ...]
    """Bigram phrases, one per Han alternative of two characters or more."""
    infix_prefix: str | None = None
    """A single Han character: any bigram starting with it."""
    pinyin: str | None = None
    """Letters: a prefix of the title's pinyin terms."""

    @property
    def marks(self) -> tuple[str, ...]:
        """The literal strings a highlighter marks in the original text."""
        return self.words


@dataclass(frozen=True, slots=True)
class QueryPlan:
    concepts: tuple[Concept, ...]
    phrased: bool = False
    """The query was typed as a sentence: function words or phrasing were dropped from it."""
    query: str = ""
    """What was typed, normalised."""
    runs: tuple[str, ...] = ()
    """The runs of Chinese characters typed, before they were cut into words."""

    @property
    def is_empty(self) -> bool:
        """Nothing to match: the caller lists every document that passes the filters."""
        return not self.concepts

    def corrected(self, fixes: dict[str, str]) -> QueryPlan:
        """The plan of the query with some typed strings replaced (a typo by the word meant)."""
        query = self.query
        for typed, meant in fixes.items():
            query = query.replace(typed, meant)
        return query_plan(query)


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
"""Full-width ASCII and the ideographic space: what NFKC changes in almost every Chinese text
(its punctuation ，！？), folded here at a fraction of NFKC's cost."""


def _half_width(match: re.Match[str]) -> str:
    code = ord(match[0])
    return " " if code == 0x3000 else chr(code - 0xFEE0)


@lru_cache(maxsize=1024)
def normalise(text: str) -> str:
    """Full-width folded to half-width (NFKC), traditional to simplified (OpenCC), case folded:
    what documents and queries are compared as. Full-width ASCII is folded first by a table:
    Chinese punctuation (，！？) would send nearly every text through NFKC, which is the slowest
    step by far; what is left goes through NFKC only when its quick check says it must. The
    last texts are remembered: a document's title and text are normalised for each of the
    kinds of terms made from them."""
    folded = _FULL_WIDTH.sub(_half_width, text)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return _converter().convert(folded).casefold()


def comparable(text: str) -> str:
    """``text`` normalised character by character where normalising it whole would change its
    length, so an offset found in the result marks the same place in ``text``."""
    whole = normalise(text)
    if len(whole) == len(text):
        return whole
    return "".join(n if len(n := normalise(char)) == 1 else char for char in text)


@cache
def _segmenter() -> rjieba.Jieba:
    """A private rjieba instance (the module-level one is global state) with our words."""
    segmenter = rjieba.Jieba()
    domain_words = DICTIONARY_FILE.read_text(encoding="utf-8").split()
    for word in [*domain_words, *synonym_words()]:
        segmenter.add_word(word, None, None)
    return segmenter


def synonym_groups() -> list[tuple[list[str], str]]:
    """The groups of ``synonyms.csv`` (a header, then one group per row: its words separated
    by ``/``, and the source or reason that justifies it)."""
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        ([w.strip() for w in row["words"].split(_GROUP_SEPARATOR) if w.strip()], row["source"])
        for row in rows
    ]


@cache
def _synonym_table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for group_words, _source in synonym_groups():
        group = frozenset(normalise(word) for word in group_words)
        for word in group:
            table[word] = table.get(word, frozenset()) | group
    return table


@cache
def synonyms_by_pinyin() -> dict[str, frozenset[str]]:
    """The synonym groups by the full pinyin of each Chinese word in them (digua → 地瓜's)."""
    from pypinyin import lazy_pinyin  # its tables cost a worker 55 MB: loaded when first asked

    table: dict[str, frozenset[str]] = {}
    for word, group in _synonym_table().items():
        if _HAN_RUN.fullmatch(word):
            spelled = "".join(lazy_pinyin(word))
            table[spelled] = table.get(spelled, frozenset()) | group
    return table


@cache
def stopwords() -> frozenset[str]:
    """Function words and phrasing a query is read without (``data/stopwords.txt``)."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


def synonym_words() -> list[str]:
    """Every word of the synonym list, sorted (for engines that take the list as settings)."""
    return sorted(_synonym_table())


def _terms_of(tokens: list[str]) -> list[str]:
    """Tokens as the index stores them: runs of letters and digits, nothing else."""
    return [term for token in tokens for term in _TERM.findall(token)]


def words(text: str) -> list[str]:
    """Search-mode words of ``text`` normalised, each word and the dictionary words within it."""
    return _terms_of(_segmenter().cut_for_search(normalise(text)))


def infix_terms(text: str) -> list[str]:
    """Overlapping character bigrams of each Han run of ``text`` normalised (a one-character
    run stays itself)."""
    terms: list[str] = []
    for run in _HAN_RUN.findall(normalise(text)):
        terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return terms


def _pinyin_words(text: str) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """Spans of the Han words of ``text`` (precise cut) and the syllable of each Han character.

    pypinyin reads the words as pre-segmented, so a polyphone takes the reading its word gives
    it (重庆 chong, 重要 zhong); a character without a reading stands for itself.
    """
    from pypinyin import lazy_pinyin  # its tables cost a worker 55 MB: loaded when first asked

    spans = [
        (start, end)
        for word, start, end in _segmenter().tokenize(text, "default", True)
        if _HAN_RUN.fullmatch(word)
    ]
    syllables = lazy_pinyin(
        [text[start:end] for start, end in spans],
        errors=list,  # type: ignore[arg-type]  # pypinyin's stub omits callables returning lists, which it supports
    )
    offsets = [offset for start, end in spans for offset in range(start, end)]
    return spans, dict(zip(offsets, syllables, strict=True))


def _syllables(syllable_at: dict[int, str], start: int, end: int) -> list[str]:
    """The syllables of the Han characters between two offsets (a run of words may span
    punctuation or Latin letters, which have none)."""
    return [syllable_at[offset] for offset in range(start, end) if offset in syllable_at]


def _spelled(syllables: list[str]) -> tuple[str, str]:
    """Full pinyin and initials of a run of syllables (养老 → yanglao, yl)."""
    return "".join(syllables), "".join(syllable[0] for syllable in syllables)


def pinyin_terms(title: str) -> list[str]:
    """Full pinyin and initials of each title word, of the dictionary words inside it, and of
    runs of up to four consecutive words (养老服务 → yanglao, yl, fuwu, fw, yanglaofuwu, ylfw)."""
    title = normalise(title)
    spans, syllable_at = _pinyin_words(title)
    runs = [
        (spans[first][0], spans[last][1])
        for first in range(len(spans))
        for last in range(first, min(first + PINYIN_RUN, len(spans)))
    ]
    inner = [
        (start, end)
        for word, start, end in _segmenter().tokenize(title, "search", True)
        if _HAN_RUN.fullmatch(word)
    ]
    terms: dict[str, None] = {}
    for start, end in [*runs, *inner]:
        for term in _spelled(_syllables(syllable_at, start, end)):
            terms[term] = None
    return list(terms)


def synonyms_of(word: str) -> set[str]:
    """Every word of ``word``'s synonym group, the word itself included (alone if none)."""
    key = normalise(word)
    return set(_synonym_table().get(key, {key}))


def _bigrams(word: str) -> tuple[str, ...]:
    return tuple(word[i : i + 2] for i in range(len(word) - 1))


def _han_concept(word: str) -> Concept:
    if len(word) == 1:
        return Concept(text=word, words=(word,), infix=(), infix_prefix=word)
    alternatives = tuple(sorted(synonyms_of(word), key=lambda w: (w != word, w)))
    return Concept(
        text=word,
        words=alternatives,
        infix=tuple(_bigrams(alt) for alt in alternatives if len(alt) > 1),
    )


def _other_concept(token: str) -> Concept:
    """Letters or digits as typed; letters are also a pinyin prefix, and the full pinyin of a
    synonym also finds its group's Chinese words (digua → 地瓜, 红薯, 番薯)."""
    is_pinyin = token.isascii() and token.isalpha()
    spelled = sorted(synonyms_by_pinyin().get(token, ())) if is_pinyin else []
    return Concept(
        text=token,
        words=(token, *spelled),
        infix=tuple(_bigrams(word) for word in spelled if len(word) > 1),
        pinyin=token if is_pinyin else None,
    )


def _query_words(han: str) -> list[str]:
    """The words of a Chinese query. A compound typed whole (残疾儿童, 学校食堂) becomes the
    words inside it, so each finds its synonyms (残疾 → 残障) and the parts need not stand
    side by side (学校和医院食堂); a word of the synonym list keeps its meaning whole."""
    found: list[str] = []
    for word in _segmenter().cut(han):
        parts = [part for part in _segmenter().cut_for_search(word) if 1 < len(part) < len(word)]
        covered = {
            i
            for part in parts
            for start in _starts(word, part)
            for i in range(start, start + len(part))
        }
        splits = (
            len(word) >= _COMPOUND and word not in _synonym_table() and len(covered) == len(word)
        )
        found += _outermost(parts) if splits else [word]
    return found


def _starts(word: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(part), word)]


def _outermost(parts: list[str]) -> list[str]:
    """The parts not inside another part (养老服务 covers 养老 and 服务)."""
    return [part for part in parts if not any(part != other and part in other for other in parts)]


def query_plan(query: str) -> QueryPlan:
    """The concepts of what a person typed, normalised: Chinese cut into words (each with its
    synonyms), runs of letters or digits kept whole (letters are also tried as pinyin); the
    function words and phrasing of a sentence (and its single characters, once it has two
    longer words) dropped while content words remain."""
    concepts: dict[str, Concept] = {}
    query = normalise(query)
    runs: list[str] = []
    for match in _QUERY_PIECE.finditer(query):
        if match["han"]:
            runs.append(match["han"])
            for word in _query_words(match["han"]):
                concepts.setdefault(word, _han_concept(word))
        else:
            concepts.setdefault(match["other"], _other_concept(match["other"]))
    meaningful = [c for c in concepts.values() if c.text not in stopwords()]
    if not meaningful:
        return QueryPlan(tuple(concepts.values()), query=query, runs=tuple(runs))
    phrased = len(meaningful) < len(concepts)
    if phrased and sum(len(c.text) > 1 for c in meaningful) >= _SENTENCE_TOPICS:
        meaningful = [c for c in meaningful if len(c.text) > 1]
    return QueryPlan(tuple(meaningful), phrased=phrased, query=query, runs=tuple(runs))


@lru_cache(maxsize=1024)
def pinyin_spans(text: str, prefix: str) -> tuple[tuple[int, int], ...]:
    """Shortest runs of words whose joined pinyin or initials start with ``prefix``. The last
    answers are remembered: the titles of a page searched again are highlighted again, and
    spelling a title was most of the cost of a pinyin search's hits."""
    spans, syllable_at = _pinyin_words(text)
    found = []
    for first in range(len(spans)):
        for last in range(first, min(first + PINYIN_RUN, len(spans))):
            start, end = spans[first][0], spans[last][1]
            full, initials = _spelled(_syllables(syllable_at, start, end))
            if full.startswith(prefix) or initials.startswith(prefix):
                found.append((start, end))
                break
            if not (prefix.startswith(full) or prefix.startswith(initials)):
                break
    return tuple(found)
