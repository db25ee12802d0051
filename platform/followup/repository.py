"""Every query of the follow-up: the agreements followed, their ledgers and open reports, each in
one query for all the agreements at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement, AgreementState
from funds.models import LedgerEntry
from outcomes.models import ProgressReport, ReportState

FOLLOWED = (
    AgreementState.DRAFT,
    AgreementState.SIGNED,
    AgreementState.IN_PROGRESS,
    AgreementState.COMPLETION_CONFIRMED,
    AgreementState.COMPLETED,
)
"""Every state but terminated: a terminated agreement waits for nothing."""
OPEN_REPORTS = (
    ReportState.DRAFT,
    ReportState.RETURNED,
    ReportState.SUBMITTED,
    ReportState.RESUBMITTED,
)


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def agreements(self, *conditions: ColumnElement[bool]) -> list[Agreement]:
        rows = await self.session.scalars(
            select(Agreement)
            .where(Agreement.state.in_(FOLLOWED), *conditions)
            .order_by(Agreement.number)
        )
        return list(rows.unique())

    async def entries(self, agreement_ids: Sequence[UUID]) -> dict[UUID, list[LedgerEntry]]:
        """Each agreement's ledger in chain order."""
        found: dict[UUID, list[LedgerEntry]] = defaultdict(list)
        if agreement_ids:
            rows = await self.session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.agreement_id.in_(agreement_ids))
                .order_by(LedgerEntry.agreement_id, LedgerEntry.sequence)
            )
            for entry in rows:
                found[entry.agreement_id].append(entry)
        return found

    async def open_reports(self, agreement_ids: Sequence[UUID]) -> dict[UUID, list[ProgressReport]]:
        """Each agreement's reports not yet approved, earliest period first."""
        found: dict[UUID, list[ProgressReport]] = defaultdict(list)
        if agreement_ids:
            rows = await self.session.scalars(
                select(ProgressReport)
                .where(
                    ProgressReport.agreement_id.in_(agreement_ids),
                    ProgressReport.state.in_(OPEN_REPORTS),
                )
                .order_by(ProgressReport.period_start)
            )
            for report in rows.unique():
                found[report.agreement_id].append(report)
        return found
