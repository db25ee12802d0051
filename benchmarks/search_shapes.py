"""The query shapes the search benchmarks ask, as the API's query parameters: a common word, a
word with synonyms in half the documents, an infix word, two words, pinyin initials, a filter,
browsing and a later page by another order."""

from __future__ import annotations

QUERIES = {
    "养老 (common word)": {"q": "养老"},
    "老人 (synonyms, ~50% of documents)": {"q": "老人"},
    "处理 (infix word)": {"q": "处理"},
    "留守儿童 托管 (two words)": {"q": "留守儿童 托管"},
    "ylfw (pinyin initials)": {"q": "ylfw"},
    "天麻, county filter": {"q": "天麻", "county": "530628000000"},
    "browse newest, kind filter": {"kind": "need", "sort": "newest"},
    "培训, page 3 by amount": {"q": "培训", "sort": "amount", "page": "3"},
}
