"""The reporting periods of an agreement and when each report falls due: pure calendar rules.

Periods follow the calendar (months; quarters from January, April, July, October; half-years
from January and July; years), cut to the agreement's own period, so that every agreement
reports for the same quarter the bureau compiles its quarterly statistics for; the first and
the last period may be partial. ``at_end`` is one period: the whole agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from agreements.models import ReportingFrequency
from agreements.reporting import months_later

DAYS_TO_REPORT = 15
"""A report is due 15 days after its period ends: the time the bureau's own quarterly returns
allow (季后15日内), enough to gather a period's figures from the villages."""

MONTHS_PER_PERIOD = {
    ReportingFrequency.MONTHLY: 1,
    ReportingFrequency.QUARTERLY: 3,
    ReportingFrequency.HALF_YEARLY: 6,
    ReportingFrequency.YEARLY: 12,
}


class Standing(StrEnum):
    """Where a period's report stands on a given day, before anything is submitted."""

    UPCOMING = "upcoming"
    """The period has not ended: nothing to report yet."""
    DUE = "due"
    """The period has ended and the due date has not passed."""
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True, order=True)
class ReportingPeriod:
    start: date
    end: date

    @property
    def due_on(self) -> date:
        return self.end + timedelta(days=DAYS_TO_REPORT)

    def standing(self, today: date) -> Standing:
        if today <= self.end:
            return Standing.UPCOMING
        if today <= self.due_on:
            return Standing.DUE
        return Standing.OVERDUE


def _calendar_start(day: date, months: int) -> date:
    """The first day of the calendar period of ``months`` months that holds ``day``."""
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def periods(start: date, end: date, frequency: ReportingFrequency) -> list[ReportingPeriod]:
    """The periods from ``start`` to ``end`` (both inclusive) one indicator is reported for."""
    if frequency is ReportingFrequency.AT_END:
        return [ReportingPeriod(start, end)]
    months = MONTHS_PER_PERIOD[frequency]
    found = []
    calendar_start = _calendar_start(start, months)
    while calendar_start <= end:
        following = months_later(calendar_start, months)
        found.append(
            ReportingPeriod(max(start, calendar_start), min(end, following - timedelta(days=1)))
        )
        calendar_start = following
    return found


def agreement_periods(
    start: date, end: date, frequencies: Iterable[ReportingFrequency]
) -> list[ReportingPeriod]:
    """Every period some indicator of the agreement is reported for, in order: one report
    each, holding the values of the indicators reported for that period."""
    return sorted(
        {period for frequency in set(frequencies) for period in periods(start, end, frequency)}
    )


def ended(found: Iterable[ReportingPeriod], today: date) -> list[ReportingPeriod]:
    """The periods that have ended by ``today``: each needs its report."""
    return [period for period in found if period.standing(today) is not Standing.UPCOMING]
