"""What the outcomes API reads and answers: reports with their values, steps with the version
seen, and each indicator's cumulative actual."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints, field_serializer

from agreements.models import Agreement, Indicator
from agreements.schemas import Quantity, Reason
from catalogue.schemas import CENT
from outcomes.models import ProgressReport, ReportState
from outcomes.policy import ReportStep

Narrative = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class ValueIn(BaseModel):
    indicator_id: UUID
    actual: Quantity
    """What was achieved over the report's period alone (not the running total)."""


class ReportCreate(BaseModel):
    period_start: date
    period_end: date
    """One of the agreement's reporting periods."""
    narrative: Narrative = ""
    values: list[ValueIn] = []


class ReportStepIn(BaseModel):
    version: int
    """The version the caller saw; a stale one is refused (409)."""
    reason: Reason = ""
    """Required to return a report."""
    narrative: Narrative | None = None
    """``save`` and ``submit``: the new narrative, if it changes."""
    values: list[ValueIn] | None = None
    """``save`` and ``submit``: the values, if they change (the indicators left out are
    removed)."""
    due_on: date | None = None
    """``move-due``: the new due date."""


class ValueRead(BaseModel):
    indicator_id: UUID
    name: str
    unit: str
    actual: Decimal

    @field_serializer("actual")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)


class ReportRead(BaseModel):
    id: UUID
    agreement_id: UUID
    period_start: date
    period_end: date
    due_on: date
    state: ReportState
    narrative: str
    return_reason: str
    overdue: bool
    on_time: bool | None
    submitted_at: datetime | None
    approved_at: datetime | None
    version: int
    values: list[ValueRead]
    steps: list[ReportStep]


class IndicatorProgress(BaseModel):
    indicator_id: UUID
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    cumulative: Decimal
    """The sum of the approved reports' values: drafts and reports under review do not count."""

    @field_serializer("baseline", "target", "cumulative")
    def _two_places(self, value: Decimal) -> Decimal:
        return value.quantize(CENT)


def report_read(
    report: ProgressReport, agreement: Agreement, steps: list[ReportStep]
) -> ReportRead:
    indicators = {indicator.id: indicator for indicator in agreement.indicators}
    return ReportRead(
        id=report.id,
        agreement_id=report.agreement_id,
        period_start=report.period_start,
        period_end=report.period_end,
        due_on=report.due_on,
        state=report.state,
        narrative=report.narrative,
        return_reason=report.return_reason,
        overdue=report.overdue,
        on_time=report.on_time,
        submitted_at=report.submitted_at,
        approved_at=report.approved_at,
        version=report.version,
        values=[
            ValueRead(
                indicator_id=value.indicator_id,
                name=indicators[value.indicator_id].name,
                unit=indicators[value.indicator_id].unit,
                actual=value.actual,
            )
            for value in report.values
        ],
        steps=steps,
    )


def indicator_progress(indicator: Indicator, cumulative: Decimal) -> IndicatorProgress:
    return IndicatorProgress(
        indicator_id=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=indicator.target,
        cumulative=cumulative,
    )
