"""Search answered by the database while the engine is unreachable.

Slower and plainer than an engine — substring matching of the typed words and their synonyms
in titles and descriptions (pinyin cannot be matched), newest first, kind counts as the only
facet, at most the first pages — and marked ``degraded`` so the page says results may be
incomplete. It reads the same published entries the index would hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.workflow import EntryState
from demand.models import Need
from demand.policy import need_open
from regions.models import Region
from search.analysis import QueryPlan, query_plan
from search.backend import Facet, SearchFilters, SearchHit, SearchQuery, SearchResult, Sort
from search.highlight import highlight, snippet
from supply.models import Offer
from supply.policy import offer_public

ENGINE = "database"
MAX_OFFSET = 200
"""Deeper pages are not offered while degraded: each kind is read up to the page's end."""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_clauses(model: type[Need] | type[Offer], plan: QueryPlan) -> list[ColumnElement[bool]]:
    """Each concept must occur, as any of its words, in the title or the description."""
    return [
        or_(
            *(
                column.ilike(_like(word), escape="\\")
                for word in concept.words
                for column in (model.title, model.description)
            )
        )
        for concept in plan.concepts
    ]


def _state_clause(model: type[Need] | type[Offer], state: str | None, today: date) -> list[Any]:
    deadline = Need.deadline if model is Need else Offer.valid_until
    if state == EntryState.PUBLISHED:
        return [deadline >= today]
    if state == "expired":
        return [deadline < today]
    return [] if state is None else [False]


def _region_clauses(model: type[Need] | type[Offer], filters: SearchFilters) -> list[Any]:
    clauses: list[Any] = []
    for code, digits in ((filters.county, 6), (filters.township, 9)):
        if code is None:
            continue
        if model is Need:
            column = Need.county_code if digits == 6 else Need.township_code
            clauses.append(column == code)
        else:
            clauses.append(Offer.service_regions.any(Region.code.startswith(code[:digits])))
    return clauses


def _query(
    model: type[Need] | type[Offer], plan: QueryPlan, filters: SearchFilters, today: date
) -> Select[Any] | None:
    if filters.kind not in (None, "need" if model is Need else "offer"):
        return None
    if model is Offer and filters.urgency is not None:
        return None
    public = need_open() if model is Need else offer_public()
    clauses: list[Any] = [public, *_text_clauses(model, plan)]
    clauses += _state_clause(model, filters.state, today) + _region_clauses(model, filters)
    if filters.category is not None:
        clauses.append(model.category == filters.category)
    if filters.subcategory is not None:
        clauses.append(model.subcategory_code == filters.subcategory)
    if filters.urgency is not None:
        clauses.append(Need.urgency == filters.urgency)
    return select(model).where(*clauses)


def _order(model: type[Need] | type[Offer], sort: Sort) -> list[Any]:
    if sort is Sort.DEADLINE:
        deadline = Need.deadline if model is Need else Offer.valid_until
        return [deadline.asc(), model.published_at.desc()]
    return [model.published_at.desc()]


async def search_database(session: AsyncSession, query: SearchQuery, today: date) -> SearchResult:
    plan = query_plan(query.text)
    offset = min(query.offset, MAX_OFFSET)
    found: list[Need | Offer] = []
    counts: dict[str, int] = {}
    for kind, model in (("need", Need), ("offer", Offer)):
        statement = _query(model, plan, query.filters, today)
        if statement is None:
            continue
        counts[kind] = (
            await session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        )
        rows = await session.scalars(
            statement.order_by(*_order(model, query.sort)).limit(offset + query.page_size)
        )
        found += rows.unique()
    found.sort(key=lambda entry: entry.published_at or entry.created_at, reverse=True)
    if query.sort is Sort.DEADLINE:
        found.sort(key=lambda entry: entry.deadline)
    page = found[offset : offset + query.page_size]
    return SearchResult(
        hits=[
            SearchHit(
                id=f"{'need' if isinstance(entry, Need) else 'offer'}:{entry.id}",
                kind="need" if isinstance(entry, Need) else "offer",
                title=entry.title,
                title_html=highlight(entry.title, plan),
                snippet=snippet(entry.description or "", plan),
                score=0.0,
            )
            for entry in page
        ],
        total=sum(counts.values()),
        facets={Facet.KIND: counts} if Facet.KIND in query.facets else {},
        page=query.page,
        page_size=query.page_size,
        engine=ENGINE,
        degraded=True,
    )
