"""Agreements in and out of HTTP."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from accounts.models import Origin
from agreements.lifecycle import Step
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementState,
    DocumentKind,
    Indicator,
    RecipientKind,
    ReportingFrequency,
)
from agreements.programmes import programme_name, programmes
from catalogue.lines import LineKind, unit_problem
from catalogue.schemas import CENT
from core.amounts import Amount, parse_decimal
from core.categories import TopCategory
from core.errors import N_

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)]
PHONE = re.compile(r"\+?\d(?:[- ]?\d){6,14}")
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Quantity = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    Field(ge=0, max_digits=14, decimal_places=2),
]
"""An indicator's baseline, target or reported actual, read by ``parse_decimal``: zero allowed
(受益儿童 from 0 to 43)."""


class Person(BaseModel):
    """A responsible person (落实专人): name and phone."""

    name: Name = ""
    phone: Phone = ""

    @field_validator("phone")
    @classmethod
    def _dialable(cls, phone: str) -> str:
        """A number someone can call: a mobile (13800000001) or a landline with its area code
        (0870-2222222), digits with at most a leading + and dashes or spaces between."""
        if phone and not PHONE.fullmatch(phone):
            raise ValueError(N_("Enter a phone number of 7 to 15 digits, e.g. 13800000001."))
        return phone


class IndicatorIn(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    unit: Short = ""
    baseline: Quantity = Decimal(0)
    target: Quantity
    frequency: ReportingFrequency | None = None
    """By default quarterly for agreements longer than six months, else once at the end."""


class LineIn(BaseModel):
    """A line of an agreement entered from paper: what the organization commits."""

    kind: LineKind
    amount: Amount
    item: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    unit: Short = ""

    @model_validator(mode="after")
    def _unit_fits_the_kind(self) -> LineIn:
        problem = unit_problem(self.kind, self.unit, None)
        if problem is not None:
            raise ValueError(problem)
        return self


class AgreementTerms(BaseModel):
    """What every agreement states, made from proposals or entered from paper."""

    title: Title
    programme: str
    event_id: UUID | None = None
    period_start: date
    period_end: date
    organization_signatory: Name = ""
    recipient_signatory: Name = ""
    organization_contact: Person | None = None
    """By default the organization's registered contact."""
    recipient_contact: Person | None = None
    """By default the need's contact (or its station's)."""
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=30)

    @field_validator("programme")
    @classmethod
    def _known_programme(cls, code: str) -> str:
        if code not in programmes():
            raise ValueError(N_("Choose one of the programmes."))
        return code

    @field_validator("period_end")
    @classmethod
    def _period_in_order(cls, period_end: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and period_end < start:
            raise ValueError(N_("The period must end on or after the day it starts."))
        return period_end


class AgreementCreate(AgreementTerms):
    """An agreement made from accepted proposals of one organization with one recipient."""

    proposal_ids: list[UUID] = Field(min_length=1, max_length=50)
    category: TopCategory | None = None
    """By default the first proposal's need's category."""


class PaperAgreementCreate(AgreementTerms):
    """An agreement signed on paper, entered by a reviewer: the recipient is a village,
    township or county (``region_code``) or a department (``department_id``)."""

    organization_id: UUID
    category: TopCategory
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    department_id: UUID | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _one_recipient(self) -> PaperAgreementCreate:
        if (self.region_code is None) == (self.department_id is None):
            raise ValueError(
                N_("Name the recipient: a village, township or county, or a department.")
            )
        return self


class AgreementFilters(BaseModel):
    """The list's filters, the same for the API, the pages and exports."""

    model_config = ConfigDict(frozen=True)

    county: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    category: TopCategory | None = None
    programme: str | None = None
    organization_id: UUID | None = None
    origin: Origin | None = None
    state: AgreementState | None = None
    event_id: UUID | None = None
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class StepIn(BaseModel):
    version: int
    """The version the caller saw; a stale one is refused (409)."""
    reason: Reason = ""
    """Required to terminate."""
    signed_on: date | None = None
    """A signature recorded from paper: the day it was signed (by default today)."""


class AgreementLineRead(BaseModel):
    kind: LineKind
    item: str
    unit: str
    amount: Decimal
    covers: Decimal
    delivered: Decimal
    """What the recipient confirmed receiving of ``amount`` (``funds.deliveries``)."""
    need_line_id: UUID | None
    offer_line_id: UUID | None

    @field_serializer("amount", "covers", "delivered")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)


class IndicatorRead(BaseModel):
    id: UUID
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    frequency: ReportingFrequency

    @field_serializer("baseline", "target")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)


class DocumentRead(BaseModel):
    id: UUID
    kind: DocumentKind
    file_name: str
    content_type: str
    byte_size: int
    created_at: datetime


class PrivateTerms(BaseModel):
    """The people in an agreement: for its parties and staff only."""

    organization_signatory: str
    recipient_signatory: str
    organization_contact: Person
    recipient_contact: Person


class AgreementRead(BaseModel):
    id: UUID
    number: str
    version: int
    title: str
    category: TopCategory
    programme: str
    programme_name: str
    state: AgreementState
    organization_id: UUID
    organization_name: str
    organization_origin: str
    recipient_kind: RecipientKind
    recipient_name: str
    recipient_region_code: str | None
    county_code: str | None
    department_id: UUID | None
    event_id: UUID | None
    period_start: date
    period_end: date
    signed_on: date | None
    organization_confirmed: bool
    recipient_confirmed: bool
    completion_confirmed_at: datetime | None
    termination_reason: str
    proposal_ids: list[UUID]
    lines: list[AgreementLineRead]
    indicators: list[IndicatorRead]
    private: PrivateTerms | None
    """Absent for readers who are neither a party nor staff."""
    steps: list[Step]
    created_at: datetime


def indicator_read(indicator: Indicator) -> IndicatorRead:
    return IndicatorRead(
        id=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=indicator.target,
        frequency=indicator.frequency,
    )


def document_read(document: AgreementDocument) -> DocumentRead:
    return DocumentRead(
        id=document.id,
        kind=document.kind,
        file_name=document.file_name,
        content_type=document.content_type,
        byte_size=document.byte_size,
        created_at=document.created_at,
    )


def agreement_read(agreement: Agreement, *, private: bool, steps: list[Step]) -> AgreementRead:
    return AgreementRead(
        id=agreement.id,
        number=agreement.number,
        version=agreement.version,
        title=agreement.title,
        category=agreement.category,
        programme=agreement.programme,
        programme_name=programme_name(agreement.programme),
        state=agreement.state,
        organization_id=agreement.organization_id,
        organization_name=agreement.organization.name,
        organization_origin=agreement.organization.origin.value,
        recipient_kind=agreement.recipient_kind,
        recipient_name=agreement.recipient_name,
        recipient_region_code=agreement.recipient_region_code,
        county_code=agreement.county_code,
        department_id=agreement.department_id,
        event_id=agreement.event_id,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        signed_on=agreement.signed_on,
        organization_confirmed=agreement.organization_confirmed_at is not None,
        recipient_confirmed=agreement.recipient_confirmed_at is not None,
        completion_confirmed_at=agreement.completion_confirmed_at,
        termination_reason=agreement.termination_reason,
        proposal_ids=agreement.proposal_ids,
        lines=[
            AgreementLineRead(
                kind=line.kind,
                item=line.item,
                unit=line.amount_unit,
                amount=line.amount,
                covers=line.covers,
                delivered=line.delivered,
                need_line_id=line.need_line_id,
                offer_line_id=line.offer_line_id,
            )
            for line in agreement.lines
        ],
        indicators=[indicator_read(indicator) for indicator in agreement.indicators],
        private=PrivateTerms(
            organization_signatory=agreement.organization_signatory,
            recipient_signatory=agreement.recipient_signatory,
            organization_contact=Person(
                name=agreement.organization_contact_name,
                phone=agreement.organization_contact_phone,
            ),
            recipient_contact=Person(
                name=agreement.recipient_contact_name, phone=agreement.recipient_contact_phone
            ),
        )
        if private
        else None,
        steps=steps,
        created_at=agreement.created_at,
    )
