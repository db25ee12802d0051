"""How often an indicator is reported on, unless the agreement says otherwise: quarterly for
agreements longer than six months (charity disclosure rules ask at least every three months of
such projects), else once at the end."""

from __future__ import annotations

import calendar
from datetime import date

from agreements.models import Agreement, Indicator, ReportingFrequency
from agreements.schemas import IndicatorIn

LONG_PROJECT_MONTHS = 6


def months_later(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def default_frequency(period_start: date, period_end: date) -> ReportingFrequency:
    if period_end > months_later(period_start, LONG_PROJECT_MONTHS):
        return ReportingFrequency.QUARTERLY
    return ReportingFrequency.AT_END


def indicator_of(agreement: Agreement, data: IndicatorIn, position: int) -> Indicator:
    """A target as the agreement states it, reported as often as asked or by default."""
    return Indicator(
        position=position,
        name=data.name,
        unit=data.unit,
        baseline=data.baseline,
        target=data.target,
        frequency=data.frequency or default_frequency(agreement.period_start, agreement.period_end),
    )
