"""The daily job that follows the calendar: for every agreement taking reports, it opens a
draft for each reporting period that has ended and has none yet (so the organization's to-do
shows it), and flags the drafts whose due date has passed, with an audit entry each."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import Actor, record, record_change
from core.clock import local_date
from core.database import writing
from core.jobs import Job
from outcomes.models import ProgressReport
from outcomes.periods import agreement_periods, ended
from outcomes.repository import ReportRepository

SYSTEM = Actor(user_id=None, username="system", role="system", ip=None)


@writing
async def follow_due_reports(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """Returns how many reports were opened and how many flagged overdue."""
    today = local_date(now)
    reports = ReportRepository(session)
    agreements = await reports.reporting_agreements()
    existing = await reports.periods_reported([agreement.id for agreement in agreements])
    opened = []
    for agreement in agreements:
        frequencies = [indicator.frequency for indicator in agreement.indicators]
        all_periods = agreement_periods(agreement.period_start, agreement.period_end, frequencies)
        for period in ended(all_periods, today):
            if (agreement.id, period.start, period.end) not in existing:
                report = ProgressReport(
                    agreement_id=agreement.id,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.due_on,
                    values=[],
                )
                session.add(report)
                opened.append(report)
    await session.flush()
    for report in opened:
        record_change(
            session,
            report,
            actor=SYSTEM,
            action="report.opened",
            after={"period_end": report.period_end, "due_on": report.due_on},
            at=now,
        )
    overdue = await reports.mark_overdue(today)
    for report_id in overdue:
        record(
            session,
            actor=SYSTEM,
            action="report.overdue",
            object_type="progress_report",
            object_id=report_id,
            at=now,
        )
    return len(opened), len(overdue)


FOLLOW_DUE_REPORTS = Job("outcomes.follow_due_reports", follow_due_reports, every=timedelta(days=1))
