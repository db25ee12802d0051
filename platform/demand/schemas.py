"""Needs in and out of HTTP."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from catalogue.schemas import MAX_LINES, LineIn, LineRead, Tag, Text, Title
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.errors import N_
from demand.models import BeneficiaryGroup, Channel, Need, Urgency


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
