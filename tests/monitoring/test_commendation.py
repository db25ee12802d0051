"""The commendation list (表扬, issue 18, item 4): organizations ranked by delivered money and
goods, then completed agreements, then reports approved on time, ties sharing a rank; tiers
at their thresholds; suspended organizations left out; the page and its workbook."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role, Verification
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.clock import local_date
from funds.ledger import reversed_ids
from funds.models import EntryType
from monitoring.commendation import BENCHMARK, EXCELLENT, Tier, commendation, ranked, tier_of
from monitoring.review_period import Window, parse_period
from tests.conftest import FakeClock
from tests.factories import make_user, sign_in
from tests.monitoring.expected import entries_of
from tests.monitoring.records import LAST_MOMENT, Records

YEAR_2026 = parse_period("2026", date(2027, 2, 1))


def test_ties_share_a_rank_and_are_listed_by_name() -> None:
    ids = [uuid4() for _ in range(5)]
    found = ranked(
        {
            ids[0]: ("乙协会", Decimal(100_000), 1, 2),
            ids[1]: ("甲协会", Decimal(100_000), 1, 2),
            ids[2]: ("丙协会", Decimal(100_000), 1, 3),
            ids[3]: ("丁协会", Decimal(100_000), 2, 0),
            ids[4]: ("戊协会", Decimal(500_000), 0, 0),
        }
    )
    assert [(item.rank, item.name, item.tier) for item in found] == [
        (1, "戊协会", Tier.PARTNER),
        (2, "丁协会", Tier.PARTNER),
        (3, "丙协会", Tier.EXCELLENT),
        (4, "乙协会", Tier.EXCELLENT),
        (4, "甲协会", Tier.EXCELLENT),
    ]


def test_tiers_begin_exactly_at_their_thresholds() -> None:
    for threshold, tier in ((EXCELLENT, Tier.EXCELLENT), (BENCHMARK, Tier.BENCHMARK)):
        exact = (threshold.delivered, threshold.completed, threshold.on_time_reports)
        assert tier_of(*exact) is tier
        assert tier_of(threshold.delivered - Decimal("0.01"), *exact[1:]) is not tier
        assert tier_of(exact[0], exact[1] - 1, exact[2]) is not tier
        assert tier_of(*exact[:2], exact[2] - 1) is not tier
    assert tier_of(Decimal(1), 0, 0) is Tier.PARTNER


async def delivered_in(session: AsyncSession, agreement: Agreement, window: Window) -> Decimal:
    """Disbursements in force whose confirmation in force was booked in the window."""
    entries = await entries_of(session, agreement)
    cancelled = reversed_ids(entries)
    live = {e.id: e for e in entries if e.id not in cancelled}
    return sum(
        (
            live[e.confirms_id].amount
            for e in live.values()
            if e.entry_type is EntryType.RECEIPT_CONFIRMATION
            and e.confirms_id in live
            and window.first <= local_date(e.created_at) <= window.last
        ),
        Decimal(0),
    )


async def test_the_ranking_of_2026_from_the_records(
    session: AsyncSession, half_year: Records
) -> None:
    """Directly: national delivered 60,000, provincial 25,000, east-west 16,000 in goods and
    completed c; local delivered nothing but reported on time once."""
    credit: dict[UUID, list[Decimal | int]] = {}
    for agreement in await session.scalars(select(Agreement)):
        if agreement.state not in SIGNED_OR_LATER:
            continue
        figures = credit.setdefault(agreement.organization_id, [Decimal(0), 0, 0])
        figures[0] += await delivered_in(session, agreement, YEAR_2026)
        completed = agreement.completed_at
        figures[1] += int(completed is not None and local_date(completed).year == 2026)
    local = half_year.members["local"].identity.organization_id
    credit[local][2] = 1
    found = await commendation(session, YEAR_2026)
    listed = {i.organization_id: [i.delivered, i.completed, i.on_time_reports] for i in found}
    assert listed == {key: value for key, value in credit.items() if any(value)}
    assert [item.delivered for item in found] == [
        Decimal(60000),
        Decimal(25000),
        Decimal(16000),
        Decimal(0),
    ]
    assert [item.rank for item in found] == [1, 2, 3, 4]
    assert all(item.tier is Tier.PARTNER for item in found)


async def test_a_window_cut_mid_month_counts_each_day_of_it(
    session: AsyncSession, half_year: Records
) -> None:
    """The last 12 months begin and end inside months: the deliveries on each day of the
    window count and those outside do not, as in a direct computation over the entries."""
    agreements = [a for a in await session.scalars(select(Agreement)) if a.state in SIGNED_OR_LATER]
    confirmed = {
        local_date(entry.created_at)
        for agreement in agreements
        for entry in await entries_of(session, agreement)
        if entry.entry_type is EntryType.RECEIPT_CONFIRMATION
    }
    assert confirmed, "the records confirm deliveries"
    for day in sorted(confirmed):
        for window in (
            Window(day, day + timedelta(days=40)),
            Window(day - timedelta(days=40), day),
        ):
            direct: dict[UUID, Decimal] = {}
            for agreement in agreements:
                amount = await delivered_in(session, agreement, window)
                if amount:
                    direct[agreement.organization_id] = (
                        direct.get(agreement.organization_id, Decimal(0)) + amount
                    )
            found = {
                item.organization_id: item.delivered for item in await commendation(session, window)
            }
            assert {key: value for key, value in found.items() if value} == direct, window


async def test_a_suspended_organization_is_left_out(
    session: AsyncSession, half_year: Records
) -> None:
    national = half_year.members["national"].identity.organization_id
    organization = await session.get(Organization, national)
    assert organization is not None
    organization.verification = Verification.SUSPENDED
    await session.flush()
    found = await commendation(session, YEAR_2026)
    assert national not in {item.organization_id for item in found}
    assert [item.rank for item in found] == [1, 2, 3]


async def test_the_page_states_the_rule_and_the_workbook_holds_the_list(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, half_year: Records
) -> None:
    clock.now = LAST_MOMENT
    await make_user(session, Role.REVIEWER, username="commend_reviewer")
    await sign_in(client, "commend_reviewer")
    page = await client.get("/commendation", params={"year": "2026"})
    assert page.status_code == 200
    assert "标杆：到位资金和物资不少于 500,000.00 元" in page.text
    assert "优秀：到位资金和物资不少于 100,000.00 元" in page.text
    found = await commendation(session, YEAR_2026)
    for item in found:
        assert item.name in page.text
    answer = await client.get("/commendation.xlsx", params={"year": "2026"})
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], Decimal(str(row[2])), row[3], row[4], row[5]) for row in rows] == [
        (i.rank, i.name, i.delivered, i.completed, i.on_time_reports, "合作") for i in found
    ]
    trailing = await client.get("/commendation")
    assert "近12个月" in trailing.text


def test_a_window_splits_into_whole_months_and_the_days_around_them() -> None:
    """The last 365 days up to 6 December 2026 read January to November 2026 from the month
    rows, 7 to 31 December 2025 and 1 to 6 December 2026 from the ledger; a year reads only
    month rows; a window inside one month only the ledger."""
    window = Window(date(2025, 12, 7), date(2026, 12, 6))
    assert window.whole_months == ("2026-01", "2026-11")
    assert window.ragged_ends == [
        Window(date(2025, 12, 7), date(2025, 12, 31)),
        Window(date(2026, 12, 1), date(2026, 12, 6)),
    ]
    assert YEAR_2026.whole_months == ("2026-01", "2026-12")
    assert YEAR_2026.ragged_ends == []
    inside = Window(date(2026, 2, 3), date(2026, 2, 27))
    assert inside.ragged_ends == [inside]
