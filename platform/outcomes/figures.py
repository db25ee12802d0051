"""Each indicator's progress period by period, from the approved reports only: what was
achieved in the period, the running total and its share of the target; and the same figures
as an ECharts option for the outcomes page (exact Decimals in the table, strings in the chart).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from agreements.models import Agreement, Indicator
from catalogue.schemas import CENT
from core.errors import N_
from core.i18n import translate
from outcomes.models import ProgressReport, ReportState
from outcomes.periods import ReportingPeriod, periods

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    period: ReportingPeriod
    actual: Decimal | None
    """Approved for this period alone; None while the period has no approved report."""
    cumulative: Decimal
    share: Decimal | None
    """The running total in % of the target, to one place; None for a target of zero."""


@dataclass(frozen=True, slots=True)
class IndicatorFigures:
    indicator: Indicator
    rows: list[PeriodFigure]

    @property
    def cumulative(self) -> Decimal:
        return self.rows[-1].cumulative if self.rows else Decimal(0)

    @property
    def share(self) -> Decimal | None:
        return share_of(self.cumulative, self.indicator.target)


def share_of(total: Decimal, target: Decimal) -> Decimal | None:
    return (total * 100 / target).quantize(ONE_PLACE) if target else None


def approved_values(
    reports: Iterable[ProgressReport],
) -> dict[tuple[UUID, ReportingPeriod], Decimal]:
    """(indicator, period) → the value an approved report gave it."""
    return {
        (value.indicator_id, ReportingPeriod(report.period_start, report.period_end)): value.actual
        for report in reports
        if report.state is ReportState.APPROVED
        for value in report.values
    }


def indicator_figures(
    agreement: Agreement, reports: Iterable[ProgressReport]
) -> list[IndicatorFigures]:
    """Every indicator over every period it is reported for, in calendar order."""
    approved = approved_values(reports)
    found = []
    for indicator in agreement.indicators:
        running = Decimal(0)
        rows = []
        for period in periods(agreement.period_start, agreement.period_end, indicator.frequency):
            actual = approved.get((indicator.id, period))
            running += actual or 0
            rows.append(PeriodFigure(period, actual, running, share_of(running, indicator.target)))
        found.append(IndicatorFigures(indicator, rows))
    return found


def chart_option(figures: IndicatorFigures, locale: str) -> dict[str, Any]:
    """Bars of the approved running total against the target's line, period by period."""
    unit = figures.indicator.unit
    target = str(figures.indicator.target.quantize(CENT))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [row.period.end.isoformat() for row in figures.rows],
        },
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": translate(locale, N_("Approved so far")),
                "type": "bar",
                "data": [str(row.cumulative.quantize(CENT)) for row in figures.rows],
            },
            {
                "name": translate(locale, N_("Target")),
                "type": "line",
                "symbol": "none",
                "lineStyle": {"type": "dashed"},
                "data": [target for _row in figures.rows],
            },
        ],
    }
