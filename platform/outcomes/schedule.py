"""An agreement's reporting periods beside their reports, as the outcomes page lists them:
which report each period has, when it is due and whether it is overdue today."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from agreements.models import Agreement
from outcomes.models import ProgressReport, ReportState
from outcomes.periods import ReportingPeriod, Standing, agreement_periods

UNSENT = frozenset({ReportState.DRAFT, ReportState.RETURNED})
"""A report in these states is still with the organization."""


@dataclass(frozen=True, slots=True)
class ScheduledReport:
    period: ReportingPeriod
    report: ProgressReport | None
    standing: Standing

    @property
    def due_on(self) -> date:
        return self.report.due_on if self.report else self.period.due_on

    @property
    def overdue(self) -> bool:
        """Past its due date with the report still unsent (a moved due date counts)."""
        unsent = self.report is None or self.report.state in UNSENT
        return unsent and self.standing is Standing.OVERDUE

    @property
    def to_open(self) -> bool:
        """The period has ended and nobody has opened its report yet."""
        return self.report is None and self.standing is not Standing.UPCOMING


def by_period_of(reports: Iterable[ProgressReport]) -> dict[ReportingPeriod, ProgressReport]:
    return {ReportingPeriod(report.period_start, report.period_end): report for report in reports}


def schedule(
    agreement: Agreement, reports: Iterable[ProgressReport], today: date
) -> list[ScheduledReport]:
    """Every period of the agreement in calendar order, with its report if there is one."""
    by_period = by_period_of(reports)
    found = []
    for period in agreement_periods(
        agreement.period_start,
        agreement.period_end,
        [indicator.frequency for indicator in agreement.indicators],
    ):
        report = by_period.get(period)
        due_on = report.due_on if report else period.due_on
        if today <= period.end:
            standing = Standing.UPCOMING
        else:
            standing = Standing.DUE if today <= due_on else Standing.OVERDUE
        found.append(ScheduledReport(period, report, standing))
    return found
