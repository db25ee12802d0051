"""The half-year review (``/review/half-year``, printable on A4, with its .xlsx) and the
commendation list (``/commendation`` and its .xlsx), for the readers of the monitoring figures
(``monitoring.policy``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_date
from core.downloads import XLSX_TYPE, attachment
from core.i18n import locale_of, translate
from monitoring.commendation import BENCHMARK, EXCELLENT, Commended, commendation
from monitoring.policy import STATS_READERS
from monitoring.review import STALLED_DAYS, HalfYearReview, Review
from monitoring.review_period import (
    TRAILING_DAYS,
    Window,
    current_half,
    parse_period,
    parse_year,
)
from monitoring.review_workbook import agreement_lists, commendation_workbook, review_workbook

PeriodQuery = Annotated[
    str | None, QueryParameter(description="A half-year (2026H2) or a year (2026)")
]
YearQuery = Annotated[str | None, QueryParameter(description="A year; the last 12 months if none")]
OFFERED_YEARS = 3
"""How many years back the period chooser offers."""


def offered_periods(today: date) -> list[str]:
    """The periods the chooser offers, the latest first: each begun half-year and year."""
    found = []
    for year in range(today.year, today.year - OFFERED_YEARS, -1):
        halves = [f"{year}H2"] if date(year, 7, 1) <= today else []
        found += [*halves, f"{year}H1", str(year)]
    return found


class HalfYearReviewController(Controller):
    include_in_schema = False
    opt = STATS_READERS

    async def _review(
        self, session: AsyncSession, clock: Clock, period: str | None
    ) -> tuple[HalfYearReview, date]:
        today = local_date(clock())
        window = parse_period(period or current_half(today), today)
        return await Review(session).of(window, today), today

    @get("/review/half-year", name="monitoring:review")
    async def review(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        period: PeriodQuery = None,
    ) -> Template:
        found, today = await self._review(db_session, clock, period)
        locale = locale_of(request)
        return Template(
            "monitoring/review.html",
            context={
                "review": found,
                "by_category": [
                    line.named(translate(locale, line.name)) for line in found.by_category
                ],
                "lists": agreement_lists(found, locale),
                "periods": offered_periods(today),
                "stalled_days": STALLED_DAYS,
            },
        )

    @get("/review/half-year.xlsx", name="monitoring:review_xlsx")
    async def review_xlsx(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        period: PeriodQuery = None,
    ) -> Response[bytes]:
        found, _today = await self._review(db_session, clock, period)
        content = review_workbook(found, locale_of(request))
        return attachment(content, XLSX_TYPE, f"跟踪问效-{found.window.code}.xlsx")

    async def _commendation(
        self, session: AsyncSession, clock: Clock, year: str | None
    ) -> tuple[Window, list[Commended]]:
        window = parse_year(year, local_date(clock()))
        return window, await commendation(session, window.ended_by(local_date(clock())))

    @get("/commendation", name="monitoring:commendation")
    async def commendation_page(
        self,
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        year: YearQuery = None,
    ) -> Template:
        window, ranked = await self._commendation(db_session, clock, year)
        today = local_date(clock())
        return Template(
            "monitoring/commendation.html",
            context={
                "window": window,
                "ranked": ranked,
                "years": list(range(today.year, today.year - OFFERED_YEARS, -1)),
                "benchmark": BENCHMARK,
                "excellent": EXCELLENT,
                "trailing_days": TRAILING_DAYS,
            },
        )

    @get("/commendation.xlsx", name="monitoring:commendation_xlsx")
    async def commendation_xlsx(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        year: YearQuery = None,
    ) -> Response[bytes]:
        window, ranked = await self._commendation(db_session, clock, year)
        name = window.code or f"{window.first.isoformat()}至{window.last.isoformat()}"
        return attachment(
            commendation_workbook(ranked, locale_of(request)), XLSX_TYPE, f"表扬名单-{name}.xlsx"
        )
