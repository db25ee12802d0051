"""The to-do list and alerts in and out of HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints, field_serializer

from core.pagination import Page
from followup.alerts import Alert, AlertKind
from followup.todo import TodoItem, TodoKind

CENT = Decimal("0.01")


class AlertFilters(BaseModel):
    """The alerts' filters, the same for the page and the API; empty means any."""

    model_config = ConfigDict(frozen=True)

    kind: AlertKind | None = None
    county: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None


class AgreementRef(BaseModel):
    id: UUID
    number: str
    title: str
    organization_name: str
    recipient_name: str
    county_code: str | None
    link: str


def agreement_ref(item: TodoItem | Alert) -> AgreementRef:
    agreement = item.agreement
    return AgreementRef(
        id=agreement.id,
        number=agreement.number,
        title=agreement.title,
        organization_name=agreement.organization.name,
        recipient_name=agreement.recipient_name,
        county_code=agreement.county_code,
        link=f"/agreements/{agreement.id}",
    )


class _Amounted(BaseModel):
    amount: Decimal | None
    """Yuan, where the item is about a disbursement or an expenditure."""

    @field_serializer("amount")
    def _two_places(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(CENT)


class TodoItemRead(_Amounted):
    kind: TodoKind
    agreement: AgreementRef
    since: date
    due_on: date | None
    overdue: bool
    subject_id: UUID | None
    """The disbursement or report the item is about."""


class TodoRead(Page[TodoItemRead]):
    """The list contract, plus how many items of each kind wait in the whole list."""

    counts: dict[TodoKind, int]


def todo_item_read(item: TodoItem) -> TodoItemRead:
    return TodoItemRead(
        kind=item.kind,
        agreement=agreement_ref(item),
        since=item.since,
        due_on=item.due_on,
        overdue=item.overdue,
        amount=item.amount,
        subject_id=item.subject_id,
    )


class AlertRead(_Amounted):
    kind: AlertKind
    agreement: AgreementRef
    since: date
    days: int
    """Days since ``since`` on the platform's clock."""
    subject_id: UUID | None


class AlertsRead(Page[AlertRead]):
    """The list contract, plus how many alerts of each kind the filters leave, counted by the
    database (what the header and the dashboard show)."""

    counts: dict[AlertKind, int]


def alert_read(alert: Alert, today: date) -> AlertRead:
    return AlertRead(
        kind=alert.kind,
        agreement=agreement_ref(alert),
        since=alert.since,
        days=alert.days(today),
        amount=alert.amount,
        subject_id=alert.subject_id,
    )
