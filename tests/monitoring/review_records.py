"""The monitoring records carried into the second half of 2026 for the half-year review:
agreement e (signed in June, with a quarterly indicator) reports its first period on time and
leaves its third-quarter report a draft; c is completed in November; e books a commitment in
November. Last signs of life: b on 1 July, a on 2 July, c on 8 July (then completed), e on
1 November."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import Step
from agreements.schemas import IndicatorIn
from funds.models import EntryType
from outcomes.models import ProgressReport
from outcomes.policy import ReportStep
from outcomes.schemas import ReportCreate, ReportStepIn, ValueIn
from outcomes.service import ReportService
from tests.monitoring.records import QIAOJIA, Party, Plan, Records, at, build

E_PLAN = Plan("local", "talent", "talent", QIAOJIA, "2026-06-20")
TARGET = IndicatorIn(name="培训人次", unit="人次", target=Decimal(200), frequency="quarterly")
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
"""e's first reporting period, due 15 July."""
THIRD_QUARTER = (date(2026, 7, 1), date(2026, 9, 30))
"""e's second reporting period, due 15 October: left a draft."""


async def report(
    records: Records, name: str, period: tuple[date, date], moment: datetime
) -> ProgressReport:
    """A draft of the organization's report for one period of agreement ``name``."""
    member = records.members["local"]
    agreement = records.agreements[name]
    data = ReportCreate(
        period_start=period[0],
        period_end=period[1],
        narrative="培训如期开展。",
        values=[ValueIn(indicator_id=agreement.indicators[0].id, actual=Decimal(40))],
    )
    _agreement, made = await ReportService(records.session, lambda: moment).create(
        agreement.id, data, member.identity, member.actor
    )
    return made


async def report_step(
    records: Records, who: Party, report: ProgressReport, step: ReportStep, moment: datetime
) -> ProgressReport:
    _agreement, moved = await ReportService(records.session, lambda: moment).take(
        report.agreement_id,
        report.id,
        step,
        ReportStepIn(version=report.version),
        who.identity,
        who.actor,
    )
    return moved


async def build_half_year(session: AsyncSession) -> Records:
    records = await build(session)
    rev, local = records.reviewer, records.members["local"]
    await records.enter("e", E_PLAN, rev, [TARGET])
    await records.agreements["e"].awaitable_attrs.indicators
    first = await report(records, "e", JUNE, at("2026-07-08"))
    first = await report_step(records, local, first, ReportStep.SUBMIT, at("2026-07-10"))
    await report_step(records, rev, first, ReportStep.APPROVE, at("2026-07-12"))
    await report(records, "e", THIRD_QUARTER, at("2026-10-01"))
    await records.book("e", rev, EntryType.COMMITMENT, at("2026-11-01"), amount="30000")

    east_west, worker = records.members["east_west"], records.worker
    assert worker is not None
    await records.step("c", east_west, Step.START, at("2026-11-10"))
    await records.step("c", worker, Step.CONFIRM_COMPLETION, at("2026-11-15"))
    await records.step("c", east_west, Step.COMPLETE, at("2026-11-19", hour=20))
    await session.flush()
    return records
