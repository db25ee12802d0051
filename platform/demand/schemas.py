"""Needs in and out of HTTP."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from catalogue.entry import amount_unit
from catalogue.schemas import MAX_LINES, LineIn, LineRead, Tag, Text, Title
from catalogue.workflow import EntryState
from core.assembled import assembled
from core.categories import TopCategory
from core.errors import N_
from demand.models import BeneficiaryGroup, Channel, Need, Urgency, need_contact
from demand.repository import ListedNeed


class NeedFields(BaseModel):
    category: TopCategory
    subcategory: Annotated[str, StringConstraints(max_length=40)]
    title: Title
    description: Text = ""
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    beneficiary_count: int = Field(default=0, ge=0, le=1_000_000)
    beneficiary_groups: list[BeneficiaryGroup] = Field(default_factory=list)
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    urgency: Urgency
    deadline: date
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    channel: Channel = Channel.STATION
    channel_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    """Who answers for this need, when not the station's usual contact."""
    contact_phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] = ""

    @model_validator(mode="after")
    def _channel_named(self) -> NeedFields:
        if self.channel is not Channel.STATION and not self.channel_name:
            raise ValueError(N_("Name the association or department the need comes from."))
        return self


class NeedUpdate(NeedFields):
    version: int


class NeedLineRead(LineRead):
    sought: Decimal
    committed: Decimal
    delivered: Decimal


class NeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    category: TopCategory
    subcategory: str = Field(validation_alias="subcategory_code")
    title: str
    description: str
    region_code: str
    township_code: str
    county_code: str
    region_name: str
    channel: Channel
    channel_name: str
    beneficiary_count: int
    beneficiary_groups: list[BeneficiaryGroup]
    lines: list[NeedLineRead]
    urgency: Urgency
    deadline: date
    progress: str
    tags: list[str]
    state: EntryState
    shown_state: str = ""
    returned_reason: str | None
    published_at: datetime | None
    entered_on_behalf: bool = Field(
        default=False, description="Entered by a reviewer on the owner's behalf (代录)"
    )
    verified_at: datetime | None
    version: int
    contact_name: str | None = None
    contact_phone: str | None = None


def need_read(need: Need, *, shown_state: str, with_contact: bool) -> NeedRead:
    """The API view of a need; the station's contact only where ``demand.policy`` shows it."""
    contact_name, contact_phone = need.contact if with_contact else (None, None)
    return NeedRead.model_validate(need).model_copy(
        update={
            "shown_state": shown_state,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        }
    )


def listed_need_read(listed: ListedNeed, *, shown_state: str, with_contact: bool) -> NeedRead:
    """`need_read` of a need read as plain columns. The columns come from the database, already
    of the model's types, so the view is assembled without validating them again (pydantic's
    validation of twenty needs cost more than reading them)."""
    row = listed.row
    contact_name, contact_phone = (
        need_contact(row.contact_name, row.contact_phone, row.channel_name, _station_contact(row))
        if with_contact
        else (None, None)
    )
    return assembled(
        NeedRead,
        id=row.id,
        category=row.category,
        subcategory=row.subcategory_code,
        title=row.title,
        description=row.description,
        region_code=row.region_code,
        township_code=row.township_code,
        county_code=row.county_code,
        region_name=row.region_name,
        channel=row.channel,
        channel_name=row.channel_name,
        beneficiary_count=row.beneficiary_count,
        beneficiary_groups=[BeneficiaryGroup(group) for group in row.beneficiary_groups],
        lines=[
            assembled(
                NeedLineRead,
                id=line.id,
                kind=line.kind,
                item=line.item,
                unit=line.unit,
                amount_unit=amount_unit(line.kind, line.unit),
                value=line.value,
                sought=line.sought,
                committed=line.committed,
                delivered=line.delivered,
            )
            for line in listed.lines
        ],
        urgency=row.urgency,
        deadline=row.deadline,
        progress=listed.progress.value,
        tags=row.tags,
        state=row.state,
        shown_state=shown_state,
        returned_reason=row.returned_reason,
        published_at=row.published_at,
        entered_on_behalf=row.entered_on_behalf_by_id is not None,
        verified_at=row.verified_at,
        version=row.version,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def _station_contact(row: Any) -> tuple[str, str] | None:
    if row.station_contact_name is None:
        return None
    return (row.station_contact_name, row.station_contact_phone)
