"""The search page (results with facets as clickable filters) and the as-you-type
suggestions the search box in every page's header asks for through htmx."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.categories import category_tree
from catalogue.display import SHOWN_LABELS
from catalogue.models import Category
from core.access import PUBLIC
from core.database import READS_ONLY
from core.errors import N_
from core.i18n import locale_of, translate
from core.pagination import Slice
from core.reference import ReferenceMemory
from demand.models import Urgency
from regions.deps import provide_region_service
from regions.models import Region
from regions.service import RegionService
from search.backend import Facet, SearchQuery
from search.cards import card_facts
from search.deps import SEARCH_DEPENDENCIES
from search.nearest import nearest_categories, word_by_word
from search.schemas import SearchParams, entry_path
from search.service import SearchService

SUGGESTIONS = 6
FACET_TITLES = {
    Facet.KIND: N_("Needs or offers"),
    Facet.CATEGORY: N_("Category"),
    Facet.SUBCATEGORY: N_("Sub-category"),
    Facet.COUNTY: N_("County or district"),
    Facet.URGENCY: N_("Urgency"),
    Facet.STATE: N_("State"),
}
KIND_LABELS = {"need": N_("Needs of villages"), "offer": N_("Offers of organizations")}


@dataclass(frozen=True, slots=True)
class FacetValue:
    label: str
    count: int
    href: str
    chosen: bool


@dataclass(frozen=True, slots=True)
class FacetGroup:
    title: str
    values: list[FacetValue]


def _chosen(params: SearchParams) -> dict[str, str]:
    """The query-string values in force (text, filters, sort), without the page."""
    values = params.model_dump(exclude={"page", "page_size"}, exclude_none=True, mode="json")
    return {key: str(value) for key, value in values.items() if value not in ("", "relevance")}


def _toggle_href(chosen: dict[str, str], key: str, value: str) -> str:
    """The link that adds this filter, or removes it when it is already in force."""
    changed = dict(chosen)
    if changed.get(key) == value:
        del changed[key]
    else:
        changed[key] = value
    return "/search?" + urlencode(changed)


FACET_NAMES: ReferenceMemory[dict[Facet, dict[str, str]]] = ReferenceMemory(
    Category.__tablename__, Region.__tablename__
)
"""The names of categories and counties change with reference data, not between searches:
each worker keeps them per language (``core.reference``) instead of naming them for every page."""


async def _facet_names(
    session: AsyncSession, regions: RegionService, locale: str
) -> dict[Facet, dict[str, str]]:
    return await FACET_NAMES.get(locale, lambda: _load_facet_names(session, regions, locale))


async def _load_facet_names(
    session: AsyncSession, regions: RegionService, locale: str
) -> dict[Facet, dict[str, str]]:
    tree = await category_tree(session)
    return {
        Facet.KIND: {value: translate(locale, text) for value, text in KIND_LABELS.items()},
        Facet.CATEGORY: {top.code: top.name(locale) for top, _subs in tree},
        Facet.SUBCATEGORY: {sub.code: sub.name(locale) for _top, subs in tree for sub in subs},
        Facet.COUNTY: {county.code: county.short_name for county in await regions.counties()},
        Facet.URGENCY: {u.value: translate(locale, u.label) for u in Urgency},
        Facet.STATE: {value: translate(locale, text) for value, text in SHOWN_LABELS.items()},
    }


def facet_groups(
    counts: dict[Facet, dict[str, int]],
    params: SearchParams,
    names: dict[Facet, dict[str, str]],
    locale: str,
) -> list[FacetGroup]:
    chosen = _chosen(params)
    groups = []
    for facet, title in FACET_TITLES.items():
        values = [
            FacetValue(
                label=names[facet].get(value, value),
                count=count,
                href=_toggle_href(chosen, facet.value, value),
                chosen=chosen.get(facet.value) == value,
            )
            for value, count in counts.get(facet, {}).items()
            if count
        ]
        if values:
            groups.append(FacetGroup(title=translate(locale, title), values=values))
    return groups


class SearchPageController(Controller):
    path = "/search"
    opt = READS_ONLY
    include_in_schema = False
    dependencies = {**SEARCH_DEPENDENCIES, "regions": Provide(provide_region_service)}

    @get("/", name="search:index", opt=PUBLIC)
    async def index(
        self,
        request: Request[Any, Any, Any],
        search: NamedDependency[SearchService],
        params: NamedDependency[SearchParams],
        regions: NamedDependency[RegionService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        locale = locale_of(request)
        result = await search.search(params.query(frozenset(Facet)))
        names = await _facet_names(db_session, regions, locale)
        chosen = _chosen(params)
        nothing = params.q and not result.total
        tree = await category_tree(db_session) if nothing else []
        return Template(
            template_name="search/index.html",
            context={
                "params": params,
                "result": result,
                "page": Slice(result.hits, result.total, result.page, result.page_size),
                "facets": facet_groups(result.facets, params, names, locale),
                "chosen": chosen,
                "sort_links": {
                    sort: "/search?" + urlencode({**chosen, "sort": sort})
                    for sort in ("relevance", "newest", "amount", "deadline")
                },
                "href": entry_path,
                "kind_labels": KIND_LABELS,
                "facts": await card_facts(db_session, result.hits),
                "meant_href": result.did_you_mean
                and "/search?" + urlencode({**chosen, "q": result.did_you_mean}),
                "nearest": nearest_categories(params.q, tree, locale) if nothing else [],
                "word_by_word": word_by_word(params.q) if nothing else [],
            },
        )

    @get("/_suggest", name="search:suggest", opt=PUBLIC)
    async def suggest(
        self, search: NamedDependency[SearchService], params: NamedDependency[SearchParams]
    ) -> Template:
        """A few titles for what has been typed so far (nothing for an empty box)."""
        hits = []
        if params.q:
            result = await search.search(SearchQuery(text=params.q, page_size=SUGGESTIONS))
            hits = result.hits
        return Template(
            template_name="search/_suggestions.html",
            context={"hits": hits, "q": params.q, "href": entry_path, "kind_labels": KIND_LABELS},
        )
