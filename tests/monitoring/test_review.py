"""The half-year review (跟踪问效, issue 18, item 3): every figure of a period equal to a direct
computation over the same records (the ledger's balance rules in Python, days in China),
stalled and overdue at their thresholds, disputes as they stood, and the definitions on the
page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import AgreementState
from agreements.programmes import programme_name
from core.categories import TopCategory
from core.clock import local_date
from monitoring.figures import Money
from monitoring.review import STALLED_DAYS, HalfYearReview, PeriodFigures, Review
from monitoring.review_period import parse_period
from tests.monitoring.expected import expected_line, months_of
from tests.monitoring.records import LUDIAN, ZHAOYANG, ZHENXIONG, Records

LATER = date(2027, 2, 1)
"""After every record: each 2026 period has ended."""


async def review_of(session: AsyncSession, period: str, today: date = LATER) -> HalfYearReview:
    return await Review(session).of(parse_period(period, today), today)


def figures_of(line: PeriodFigures) -> tuple[int, Money, Money]:
    return line.signed, line.period, line.cumulative


@pytest.mark.parametrize("period", ["2026H1", "2026H2", "2026"])
async def test_every_figure_equals_a_direct_computation(
    session: AsyncSession, half_year: Records, period: str
) -> None:
    review = await review_of(session, period)
    assert figures_of(review.totals) == await expected_line(session, period, {})
    for lines, name in (
        (review.by_county, "county"),
        (review.by_category, "category"),
        (review.by_programme, "programme"),
    ):
        for line in lines:
            assert figures_of(line) == await expected_line(session, period, {name: line.key})
    for code in (ZHENXIONG, ZHAOYANG, LUDIAN):
        found = [line.key for line in review.by_county]
        wanted = await expected_line(session, period, {"county": code})
        assert (code in found) == (wanted[0] > 0 or wanted[2] != Money())
    assert [line.name for line in review.by_category] == [
        TopCategory(line.key).label for line in review.by_category
    ]
    assert [line.name for line in review.by_programme] == [
        programme_name(line.key) for line in review.by_programme
    ]

    first, last = months_of(period)
    agreements = [a for a in half_year.agreements.values() if a.state in SIGNED_OR_LATER]
    assert {a.number for a in review.signed} == {
        a.number
        for a in agreements
        if a.signed_on and first <= a.signed_on.strftime("%Y-%m") <= last
    }
    assert {a.number for a in review.completed} == {
        a.number
        for a in agreements
        if a.completed_at and first <= local_date(a.completed_at).strftime("%Y-%m") <= last
    }


async def test_the_second_half_of_2026_as_the_meeting_reads_it(
    session: AsyncSession, half_year: Records
) -> None:
    """The known answer: nothing newly signed, c completed on 20 November in China (19th in
    UTC), the money booked from 1 July in China (b's disbursement at 01:00 on 1 July counts)."""
    numbers = {name: agreement.number for name, agreement in half_year.agreements.items()}
    review = await review_of(session, "2026H2")
    assert review.signed == []
    assert [a.number for a in review.completed] == [numbers["c"]]
    assert review.totals.period == Money(
        committed=Decimal(30000),
        disbursed=Decimal(35000),
        confirmed=Decimal(25000),
        spent=Decimal("25000.50"),
    )
    assert review.totals.cumulative.committed == Decimal(260000)
    first_half = await review_of(session, "2026H1")
    assert [a.number for a in first_half.signed] == sorted(
        numbers[name] for name in ("a", "b", "c", "e")
    )


async def test_stalled_from_the_ninetieth_day_without_a_sign_of_life(
    session: AsyncSession, half_year: Records
) -> None:
    """b's last entry is on 1 July, a's on 2 July (in China): 90 days later each is stalled,
    not a day before; e's November commitment and c's completion keep them off the list."""
    numbers = {name: agreement.number for name, agreement in half_year.agreements.items()}
    assert STALLED_DAYS == 90

    async def stalled(today: date) -> list[tuple[str, int]]:
        review = await review_of(session, "2026H2", today)
        return [(item.agreement.number, item.days) for item in review.stalled]

    assert await stalled(date(2026, 9, 28)) == []
    assert await stalled(date(2026, 9, 29)) == [(numbers["b"], 90)]
    assert await stalled(date(2026, 9, 30)) == [(numbers["b"], 91), (numbers["a"], 90)]
    at_the_end = await review_of(session, "2026H2")
    assert at_the_end.as_of == date(2026, 12, 31)
    assert {item.agreement.number for item in at_the_end.stalled} == {numbers["a"], numbers["b"]}


async def test_a_draft_report_is_overdue_the_day_after_it_falls_due(
    session: AsyncSession, half_year: Records
) -> None:
    numbers = {name: agreement.number for name, agreement in half_year.agreements.items()}
    on_the_day = await review_of(session, "2026H2", date(2026, 10, 15))
    assert on_the_day.overdue == []
    after = await review_of(session, "2026H2", date(2026, 10, 16))
    assert [(o.agreement.number, o.report.due_on, o.days) for o in after.overdue] == [
        (numbers["e"], date(2026, 10, 15), 1)
    ]


async def test_disputes_open_as_they_stood_at_the_end_of_the_period(
    session: AsyncSession, half_year: Records
) -> None:
    numbers = {name: agreement.number for name, agreement in half_year.agreements.items()}
    assert (await review_of(session, "2026H1")).disputes == []
    disputes = (await review_of(session, "2026H2")).disputes
    assert [(d.agreement.number, d.disbursement.amount, d.since) for d in disputes] == [
        (numbers["c"], Decimal(10000), date(2026, 7, 6))
    ]


async def test_only_counted_agreements_are_listed(
    session: AsyncSession, half_year: Records
) -> None:
    review = await review_of(session, "2026")
    listed = [*review.signed, *review.completed, *(s.agreement for s in review.stalled)]
    assert all(a.state is not AgreementState.TERMINATED for a in listed)
    assert half_year.agreements["ended"].number not in {a.number for a in listed}
