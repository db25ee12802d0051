"""Every query of the follow-up: the agreements followed, their ledgers and open reports, each in
one query per batch of agreements; and the condition that narrows the agreements a reviewer
follows to those that may have an alert, so the rules of ``followup.alerts`` read the ledgers
of those only, not of every agreement of the city."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement, AgreementState
from core.clock import CHINA_STANDARD_TIME
from followup.alerts import NO_DISBURSEMENT_DAYS, RUNNING, UNCONFIRMED_DAYS, AlertKind
from funds.models import AgreementMoney, LedgerEntry, LedgerOpenItem, OpenItemKind
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
BATCH = 5000
"""Agreements per ledger or report query: PostgreSQL takes at most 32,767 parameters."""


def alerting(kind: AlertKind, today: date) -> Select[Any]:
    """The agreement of each alert of the kind, as SQL: the rules of ``followup.alerts`` over
    what ``funds.summary`` keeps of each ledger (amounts are above zero, so the summary's
    ``disbursed`` is zero exactly when nothing disbursed stands; the open items are the
    unanswered disbursements and the expenditures without evidence, in force)."""
    if kind is AlertKind.NO_DISBURSEMENT:
        return select(Agreement.id).where(
            Agreement.state.in_(RUNNING),
            Agreement.signed_on <= today - timedelta(days=NO_DISBURSEMENT_DAYS),
            ~exists().where(
                AgreementMoney.agreement_id == Agreement.id, AgreementMoney.disbursed > 0
            ),
        )
    if kind is AlertKind.REPORT_OVERDUE:
        return select(ProgressReport.agreement_id).where(
            ProgressReport.state == ReportState.DRAFT, ProgressReport.due_on < today
        )
    if kind is AlertKind.NO_EVIDENCE:
        return select(LedgerOpenItem.agreement_id).where(
            LedgerOpenItem.kind == OpenItemKind.UNEVIDENCED
        )
    # Recorded on a day in China at least UNCONFIRMED_DAYS before today.
    recorded_before = (
        datetime.combine(today - timedelta(days=UNCONFIRMED_DAYS - 1), time(), tzinfo=UTC)
        - CHINA_STANDARD_TIME
    )
    return select(LedgerOpenItem.agreement_id).where(
        LedgerOpenItem.kind == OpenItemKind.UNANSWERED,
        LedgerOpenItem.recorded_at < recorded_before,
    )


def may_alert(today: date) -> ColumnElement[bool]:
    """The agreements with at least one alert: the rules then read the ledgers of those only,
    not of every agreement of the city."""
    return Agreement.id.in_(union_all(*(alerting(kind, today) for kind in AlertKind)))


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def alert_counts(
        self, today: date, *conditions: ColumnElement[bool]
    ) -> dict[AlertKind, int]:
        """How many alerts of each kind the agreements meeting the conditions have, counted in
        the database in one query (the agreements are read once for every kind): what the
        header and the dashboard show without reading any ledger."""
        alerted = union_all(
            *(
                alerting(kind, today).add_columns(literal(kind.value).label("kind"))
                for kind in AlertKind
            )
        ).subquery()
        rows = await self.session.execute(
            select(alerted.c.kind, func.count())
            .join(Agreement, Agreement.id == alerted.c[0])
            .where(*conditions)
            .group_by(alerted.c.kind)
        )
        counted = {AlertKind(kind): count for kind, count in rows}
        return {kind: counted.get(kind, 0) for kind in AlertKind}

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
        for start in range(0, len(agreement_ids), BATCH):
            rows = await self.session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.agreement_id.in_(agreement_ids[start : start + BATCH]))
                .order_by(LedgerEntry.agreement_id, LedgerEntry.sequence)
            )
            for entry in rows:
                found[entry.agreement_id].append(entry)
        return found

    async def open_reports(self, agreement_ids: Sequence[UUID]) -> dict[UUID, list[ProgressReport]]:
        """Each agreement's reports not yet approved, earliest period first."""
        found: dict[UUID, list[ProgressReport]] = defaultdict(list)
        for start in range(0, len(agreement_ids), BATCH):
            rows = await self.session.scalars(
                select(ProgressReport)
                .where(
                    ProgressReport.agreement_id.in_(agreement_ids[start : start + BATCH]),
                    ProgressReport.state.in_(OPEN_REPORTS),
                )
                .order_by(ProgressReport.period_start)
            )
            for report in rows.unique():
                found[report.agreement_id].append(report)
        return found
