"""The daily job with the fake clock: it opens a draft for each reporting period that ended,
once, and flags the drafts whose due date passed; a report submitted in time is never flagged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from outcomes.due_reports import follow_due_reports
from outcomes.models import ProgressReport
from tests.conftest import FakeClock
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, later, report_step, reports_of, signed_with_target


async def stored(session: AsyncSession, agreement: dict[str, Any]) -> list[tuple[str, bool]]:
    rows = await session.scalars(
        select(ProgressReport)
        .where(ProgressReport.agreement_id == UUID(agreement["id"]))
        .order_by(ProgressReport.period_start)
        .execution_options(populate_existing=True)
    )
    return [(report.period_end.isoformat(), report.overdue) for report in rows]


async def test_the_job_opens_due_reports_once_and_flags_overdue_drafts(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    assert await follow_due_reports(session, clock()) == (0, 0), "no period has ended yet"

    await later(parties, clock, datetime(2026, 7, 2, 2, 0, tzinfo=UTC))
    assert await follow_due_reports(session, clock()) == (1, 0)
    assert await stored(session, agreement) == [("2026-06-30", False)]
    assert await follow_due_reports(session, clock()) == (0, 0), "opened once"

    await later(parties, clock, datetime(2026, 7, 16, 2, 0, tzinfo=UTC))
    assert await follow_due_reports(session, clock()) == (0, 1)
    assert await stored(session, agreement) == [("2026-06-30", True)]
    flagged = await session.scalar(
        select(AuditEntry.action).where(AuditEntry.action == "report.overdue")
    )
    assert flagged == "report.overdue"

    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    report = listed.json()["items"][0]
    assert (report["overdue"], report["steps"]) == (True, ["save", "submit"])
    late = await report_step(parties, "member", agreement, report, "submit")
    assert (late.json()["state"], late.json()["on_time"]) == ("submitted", False)


async def test_a_report_submitted_in_time_is_never_flagged(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    await later(parties, clock, datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    assert (await report_step(parties, "member", agreement, report, "submit")).status_code == 200
    await later(parties, clock, datetime(2026, 10, 20, 2, 0, tzinfo=UTC))
    opened, flagged = await follow_due_reports(session, clock())
    assert (opened, flagged) == (1, 1), "the next quarter is opened and overdue; the first is not"
    assert await stored(session, agreement) == [("2026-06-30", False), ("2026-09-30", True)]
