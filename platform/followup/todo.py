"""What waits for a party of an agreement, item by item: pure rules over the agreement, its
ledger entries and reports, and the visitor's parties. Each item is decided by the policy of
the package that owns the step (``funds.policy``, ``outcomes.policy``, ``agreements.due``), so
the list offers exactly what the visitor may then do.

- a disbursement to confirm (the recipient side: its station or department);
- a report to write: a draft whose period has ended (due, or overdue after its due date);
- a report returned to the organization for correction;
- a report submitted and awaiting the recipient's approval;
- an agreement awaiting the visitor's side's signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from agreements.due import awaiting
from agreements.lifecycle import Party, Step
from agreements.models import Agreement
from core.clock import local_date
from core.errors import N_
from funds.ledger import unanswered
from funds.models import EntryType, LedgerEntry
from funds.policy import may_record
from outcomes.models import ProgressReport, ReportState
from outcomes.policy import ReportStep, may_take


class TodoKind(StrEnum):
    CONFIRM_RECEIPT = "confirm_receipt"
    WRITE_REPORT = "write_report"
    REPORT_RETURNED = "report_returned"
    APPROVE_REPORT = "approve_report"
    SIGN_AGREEMENT = "sign_agreement"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TodoKind.CONFIRM_RECEIPT: N_("Disbursements awaiting your confirmation"),
    TodoKind.WRITE_REPORT: N_("Progress reports to write"),
    TodoKind.REPORT_RETURNED: N_("Progress reports returned for correction"),
    TodoKind.APPROVE_REPORT: N_("Progress reports awaiting your approval"),
    TodoKind.SIGN_AGREEMENT: N_("Agreements awaiting your signature"),
}


@dataclass(frozen=True, slots=True)
class TodoItem:
    kind: TodoKind
    agreement: Agreement
    since: date
    """When it began to wait: the disbursement's day, the end of the report's period, the day
    the report was returned or submitted, the day the agreement was drafted."""
    due_on: date | None = None
    overdue: bool = False
    amount: Decimal | None = None
    subject_id: UUID | None = None
    """The disbursement or report the item is about."""


def ledger_items(
    agreement: Agreement, parties: frozenset[Party], entries: Sequence[LedgerEntry]
) -> list[TodoItem]:
    if not may_record(EntryType.RECEIPT_CONFIRMATION, parties):
        return []
    return [
        TodoItem(
            TodoKind.CONFIRM_RECEIPT,
            agreement,
            local_date(entry.created_at),
            amount=entry.amount,
            subject_id=entry.id,
        )
        for entry in unanswered(entries)
    ]


def report_items(
    agreement: Agreement,
    parties: frozenset[Party],
    reports: Sequence[ProgressReport],
    today: date,
) -> list[TodoItem]:
    found = []
    for report in reports:
        kind = _report_kind(report, parties, today)
        if kind is None:
            continue
        written = kind is TodoKind.WRITE_REPORT
        since = report.period_end if written else local_date(report.updated_at)
        found.append(
            TodoItem(
                kind,
                agreement,
                since,
                due_on=report.due_on,
                overdue=written and today > report.due_on,
                subject_id=report.id,
            )
        )
    return found


def _report_kind(report: ProgressReport, parties: frozenset[Party], today: date) -> TodoKind | None:
    state = report.state
    if state is ReportState.DRAFT and report.period_end < today:
        return TodoKind.WRITE_REPORT if may_take(ReportStep.SUBMIT, state, parties) else None
    if state is ReportState.RETURNED:
        return TodoKind.REPORT_RETURNED if may_take(ReportStep.SUBMIT, state, parties) else None
    if may_take(ReportStep.APPROVE, state, parties):
        return TodoKind.APPROVE_REPORT
    return None


def signature_items(agreement: Agreement, parties: frozenset[Party]) -> list[TodoItem]:
    if Step.CONFIRM not in awaiting(agreement, parties):
        return []
    return [TodoItem(TodoKind.SIGN_AGREEMENT, agreement, local_date(agreement.created_at))]
