"""Reporting periods and due dates from the calendar, without a database."""

from __future__ import annotations

from datetime import date

from agreements.models import ReportingFrequency as F
from outcomes.periods import ReportingPeriod, Standing, agreement_periods, ended, periods


def spans(found: list[ReportingPeriod]) -> list[tuple[str, str]]:
    return [(p.start.isoformat(), p.end.isoformat()) for p in found]


def test_quarters_follow_the_calendar_and_cut_a_period_starting_mid_month() -> None:
    found = periods(date(2026, 6, 15), date(2027, 6, 14), F.QUARTERLY)
    assert spans(found) == [
        ("2026-06-15", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
        ("2026-10-01", "2026-12-31"),
        ("2027-01-01", "2027-03-31"),
        ("2027-04-01", "2027-06-14"),
    ]


def test_months_end_on_their_last_day_february_of_a_leap_year_included() -> None:
    found = periods(date(2028, 1, 31), date(2028, 4, 30), F.MONTHLY)
    assert spans(found) == [
        ("2028-01-31", "2028-01-31"),
        ("2028-02-01", "2028-02-29"),
        ("2028-03-01", "2028-03-31"),
        ("2028-04-01", "2028-04-30"),
    ]
    assert periods(date(2027, 2, 1), date(2027, 2, 28), F.MONTHLY) == [
        ReportingPeriod(date(2027, 2, 1), date(2027, 2, 28))
    ]


def test_an_agreement_shorter_than_a_quarter_has_one_quarterly_period() -> None:
    assert spans(periods(date(2026, 7, 10), date(2026, 8, 20), F.QUARTERLY)) == [
        ("2026-07-10", "2026-08-20")
    ]


def test_half_years_years_and_at_end() -> None:
    start, end = date(2026, 3, 1), date(2027, 8, 31)
    assert spans(periods(start, end, F.HALF_YEARLY)) == [
        ("2026-03-01", "2026-06-30"),
        ("2026-07-01", "2026-12-31"),
        ("2027-01-01", "2027-06-30"),
        ("2027-07-01", "2027-08-31"),
    ]
    assert spans(periods(start, end, F.YEARLY)) == [
        ("2026-03-01", "2026-12-31"),
        ("2027-01-01", "2027-08-31"),
    ]
    assert spans(periods(start, end, F.AT_END)) == [("2026-03-01", "2027-08-31")]


def test_an_agreement_reports_once_for_each_period_any_indicator_needs() -> None:
    found = agreement_periods(
        date(2026, 7, 1), date(2026, 12, 31), [F.QUARTERLY, F.QUARTERLY, F.AT_END]
    )
    assert spans(found) == [
        ("2026-07-01", "2026-09-30"),
        ("2026-07-01", "2026-12-31"),
        ("2026-10-01", "2026-12-31"),
    ]


def test_due_fifteen_days_after_the_period_then_overdue() -> None:
    quarter = ReportingPeriod(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.due_on == date(2027, 1, 15)
    assert quarter.standing(date(2026, 12, 31)) is Standing.UPCOMING
    assert quarter.standing(date(2027, 1, 1)) is Standing.DUE
    assert quarter.standing(date(2027, 1, 15)) is Standing.DUE
    assert quarter.standing(date(2027, 1, 16)) is Standing.OVERDUE
    leap = ReportingPeriod(date(2028, 2, 1), date(2028, 2, 14))
    assert leap.due_on == date(2028, 2, 29)


def test_the_ended_periods_are_those_needing_a_report() -> None:
    found = periods(date(2026, 6, 15), date(2027, 6, 14), F.QUARTERLY)
    assert spans(ended(found, date(2026, 10, 1))) == [
        ("2026-06-15", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
    ]
