"""``GET /api/v1/search``: full-text search of the published catalogue."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from core.access import PUBLIC
from core.database import READS_ONLY
from core.error_contract import error_responses
from search.backend import Facet
from search.deps import SEARCH_DEPENDENCIES
from search.schemas import SearchAnswer, SearchParams, search_answer
from search.service import SearchService


class SearchApiController(Controller):
    path = "/api/v1/search"
    opt = READS_ONLY
    tags = ["search"]
    dependencies = SEARCH_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Search published needs and offers",
        responses=error_responses(400),
        description=(
            "Chinese words (养老 finds 养老服务中心), words inside words (处理 finds 待处理), "
            "synonyms (老人 finds 老年人) and pinyin of titles (yanglao, ylfw); filters, facet "
            "counts and sorting. `degraded: true` means the engine was unreachable and the "
            "database answered: results may be incomplete and pinyin is not matched."
        ),
    )
    async def search(
        self, search: NamedDependency[SearchService], params: NamedDependency[SearchParams]
    ) -> SearchAnswer:
        return search_answer(await search.search(params.query(frozenset(Facet))))
