"""The reviewers' alerts: the rules and their thresholds, pure functions of an agreement, its
ledger entries, its reports and the day, so each threshold is tested by moving the clock.

- nothing disbursed ``NO_DISBURSEMENT_DAYS`` after signing (while the agreement runs);
- a disbursement the recipient has neither confirmed nor disputed ``UNCONFIRMED_DAYS`` after
  it was recorded;
- an expenditure in force recorded without its evidence (at once: the invoice is what an audit
  asks for first);
- a progress report still a draft after its due date.

``since`` is the day the waiting began (signing, disbursement, expenditure, due date); alerts
sort oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from agreements.models import Agreement, AgreementState
from core.clock import local_date
from core.errors import N_
from funds.ledger import in_force_of_type, unanswered
from funds.models import EntryType, LedgerEntry
from outcomes.models import ProgressReport, ReportState

NO_DISBURSEMENT_DAYS = 90
UNCONFIRMED_DAYS = 30
RUNNING = (AgreementState.SIGNED, AgreementState.IN_PROGRESS)
"""Agreements still expected to disburse."""


class AlertKind(StrEnum):
    NO_DISBURSEMENT = "no_disbursement"
    UNCONFIRMED = "unconfirmed"
    NO_EVIDENCE = "no_evidence"
    REPORT_OVERDUE = "report_overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AlertKind.NO_DISBURSEMENT: N_("Nothing disbursed 90 days after signing"),
    AlertKind.UNCONFIRMED: N_("Disbursement unconfirmed after 30 days"),
    AlertKind.NO_EVIDENCE: N_("Expenditure without evidence"),
    AlertKind.REPORT_OVERDUE: N_("Progress report overdue"),
}


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    agreement: Agreement
    since: date
    amount: Decimal | None = None
    """The disbursement or expenditure in yuan, where the alert is about one."""
    subject_id: UUID | None = None
    """The ledger entry or report the alert is about."""

    def days(self, today: date) -> int:
        return (today - self.since).days


def ledger_alerts(agreement: Agreement, entries: Sequence[LedgerEntry], today: date) -> list[Alert]:
    found = []
    disbursed = in_force_of_type(entries, EntryType.DISBURSEMENT)
    signed_on = agreement.signed_on
    if (
        agreement.state in RUNNING
        and signed_on is not None
        and not disbursed
        and today >= signed_on + timedelta(days=NO_DISBURSEMENT_DAYS)
    ):
        found.append(Alert(AlertKind.NO_DISBURSEMENT, agreement, signed_on))
    for entry in unanswered(entries):
        on = local_date(entry.created_at)
        if today >= on + timedelta(days=UNCONFIRMED_DAYS):
            found.append(Alert(AlertKind.UNCONFIRMED, agreement, on, entry.amount, entry.id))
    for entry in in_force_of_type(entries, EntryType.EXPENDITURE):
        if not entry.evidence.strip():
            on = local_date(entry.created_at)
            found.append(Alert(AlertKind.NO_EVIDENCE, agreement, on, entry.amount, entry.id))
    return found


def report_alerts(
    agreement: Agreement, reports: Sequence[ProgressReport], today: date
) -> list[Alert]:
    return [
        Alert(AlertKind.REPORT_OVERDUE, agreement, report.due_on, subject_id=report.id)
        for report in reports
        if report.state is ReportState.DRAFT and today > report.due_on
    ]


def oldest_first(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda alert: (alert.since, alert.agreement.number, alert.kind))
