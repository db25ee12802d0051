"""Meilisearch behind `SearchBackend`, for production (docker-compose runs it).

Meilisearch is never handed raw Chinese. Every searchable field holds the terms
`search.analysis` makes, space-separated, and a term that is not plain ASCII becomes one
opaque ASCII token (`token`). Meilisearch's own jieba cut, Chinese normalisation and language
guess therefore never change what matches, and each concept of a `QueryPlan` becomes exactly
one Meilisearch term, all of them required, so a query finds what the embedded engine finds
(Meilisearch reads the first ten terms of a query only):

* a Chinese word is the quoted phrase of its bigram tokens, so it matches wherever it occurs,
  inside longer words too; a single character is its own token (each character of a document
  is indexed once);
* a word with synonyms is one unquoted token, which the index's ``synonyms`` setting expands
  to the others; every synonym found in a document is indexed whole (a two-character one is
  a bigram already), so the expansion finds them inside longer words as well;
* letters stay plain, and the concept that may be pinyin goes last: Meilisearch matches only
  the last word of a query as a prefix (yanglaof → yanglaofuwu).

Filters, facets, sorting and exact totals (``page``/``hitsPerPage``) are Meilisearch's; the
highlights come from `search.analysis.highlight`, as in the embedded engine. Every write waits
for its task, so it is searchable when it returns, and a failed task raises with
Meilisearch's error code and message.
"""

from search.meili.engine import MeiliSearch
from search.meili.translation import (
    REBUILD_SUFFIX,
    SEARCHABLE,
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

__all__ = [
    "REBUILD_SUFFIX",
    "SEARCHABLE",
    "MeiliSearch",
    "document_id_of",
    "engine_key",
    "filter_expression",
    "index_settings",
    "meili_document",
    "query_string",
    "search_request",
    "search_result",
    "sort_criteria",
    "token",
]
