"""An agreement's progress reports as .xlsx, for the same readers as the reports themselves: a
sheet of reports with their state and dates, and a sheet of each indicator's values period by
period beside its target and the running total of the approved values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from openpyxl import Workbook

from agreements.models import Agreement
from core.clock import local_date
from core.errors import N_
from core.i18n import translate
from core.workbooks import finished, first_sheet, headed_sheet
from outcomes.figures import indicator_figures
from outcomes.models import ProgressReport
from outcomes.schedule import by_period_of

REPORTS = N_("Reports")
VALUES = N_("Indicator values")
REPORT_COLUMNS = (
    (N_("Period start"), 12),
    (N_("Period end"), 12),
    (N_("Due on"), 12),
    (N_("State"), 16),
    (N_("Overdue"), 8),
    (N_("Submitted on"), 12),
    (N_("Approved on"), 12),
    (N_("Returned on"), 12),
    (N_("Reason for return"), 30),
    (N_("What was done"), 50),
)
VALUE_COLUMNS = (
    (N_("Indicator"), 24),
    (N_("Unit"), 8),
    (N_("Period start"), 12),
    (N_("Period end"), 12),
    (N_("Report state"), 16),
    (N_("Value reported"), 12),
    (N_("Value approved"), 12),
    (N_("Approved so far"), 14),
    (N_("Target"), 12),
    (N_("Share of target"), 10),
)


def _day(moment: datetime | None) -> date | None:
    return local_date(moment) if moment else None


def reports_workbook(agreement: Agreement, reports: Sequence[ProgressReport], locale: str) -> bytes:
    def text(message: str) -> str:
        return translate(locale, message)

    workbook = Workbook()
    listed = headed_sheet(first_sheet(workbook), REPORTS, REPORT_COLUMNS, locale)
    for report in reports:
        listed.append(
            [
                report.period_start,
                report.period_end,
                report.due_on,
                text(report.state.label),
                text(N_("yes")) if report.overdue else "",
                _day(report.submitted_at),
                _day(report.approved_at),
                _day(report.returned_at),
                report.return_reason,
                report.narrative,
            ]
        )
    values = headed_sheet(workbook.create_sheet(), VALUES, VALUE_COLUMNS, locale)
    by_period = by_period_of(reports)
    for figures in indicator_figures(agreement, reports):
        indicator = figures.indicator
        for row in figures.rows:
            held = by_period.get(row.period)
            values.append(
                [
                    indicator.name,
                    indicator.unit,
                    row.period.start,
                    row.period.end,
                    text(held.state.label) if held else text(N_("No report yet")),
                    _reported(held, indicator.id),
                    row.actual,
                    row.cumulative,
                    indicator.target,
                    row.share,
                ]
            )
    return finished(workbook, {values.title: [6, 7, 8, 9]})


def _reported(report: ProgressReport | None, indicator_id: UUID) -> object:
    """The value the report gives the indicator, whatever its state (blank without one)."""
    if report is None:
        return None
    return next(
        (value.actual for value in report.values if value.indicator_id == indicator_id), None
    )
