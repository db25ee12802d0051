"""Offers in and out of HTTP."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from catalogue.entry import amount_unit
from catalogue.lines import still_offered
from catalogue.schemas import MAX_LINES, LineIn, LineRead, Tag, Text, Title
from catalogue.workflow import EntryState
from core.assembled import assembled
from core.categories import TopCategory
from core.errors import N_
from supply.models import Offer, remaining_capacity
from supply.repository import ListedOffer


class OfferFields(BaseModel):
    category: TopCategory
    subcategory: Annotated[str, StringConstraints(max_length=40)]
    title: Title
    description: Text = ""
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    service_region_codes: list[Annotated[str, StringConstraints(pattern=r"^\d{12}$")]] = Field(
        min_length=1, max_length=200
    )
    valid_from: date
    valid_until: date
    capacity: int = Field(default=1, ge=1, le=1000)
    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    contact_phone: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+\- ]{0,20}$")
    ] = ""
    tags: list[Tag] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _period_in_order(self) -> OfferFields:
        if self.valid_until < self.valid_from:
            raise ValueError(N_("The offer must end after it starts."))
        return self


class OfferUpdate(OfferFields):
    version: int


class OfferLineRead(LineRead):
    offered: Decimal
    committed: Decimal
    delivered: Decimal
    remaining: Decimal


class OfferRead(BaseModel):
    """An offer as its reader may see it (the contact only where ``offer_read`` allows it)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    organization_id: UUID
    organization_name: str
    category: TopCategory
    subcategory: str = Field(validation_alias="subcategory_code")
    title: str
    description: str
    lines: list[OfferLineRead]
    service_region_codes: list[str]
    valid_from: date
    valid_until: date
    capacity: int
    remaining_capacity: int
    tags: list[str]
    state: EntryState
    shown_state: str = ""
    returned_reason: str | None
    published_at: datetime | None
    entered_on_behalf: bool = Field(
        default=False, description="Entered by a reviewer on the owner's behalf (代录)"
    )
    version: int
    contact_name: str | None = None
    contact_phone: str | None = None


def offer_read(offer: Offer, *, shown_state: str, with_contact: bool) -> OfferRead:
    """The API view of an offer; the contact only where ``supply.policy`` shows it (the model
    reads every attribute of the row, so the contact is set here either way)."""
    return OfferRead.model_validate(offer).model_copy(
        update={
            "shown_state": shown_state,
            "contact_name": offer.contact_name if with_contact else None,
            "contact_phone": offer.contact_phone if with_contact else None,
        }
    )


def listed_offer_read(listed: ListedOffer, *, shown_state: str, with_contact: bool) -> OfferRead:
    """`offer_read` of an offer read as plain columns, assembled without validating the
    database's own values again (see ``demand.schemas.listed_need_read``)."""
    row = listed.row
    return assembled(
        OfferRead,
        id=row.id,
        organization_id=row.organization_id,
        organization_name=row.organization_name,
        category=row.category,
        subcategory=row.subcategory_code,
        title=row.title,
        description=row.description,
        lines=[
            assembled(
                OfferLineRead,
                id=line.id,
                kind=line.kind,
                item=line.item,
                unit=line.unit,
                amount_unit=amount_unit(line.kind, line.unit),
                value=line.value,
                offered=line.offered,
                committed=line.committed,
                delivered=line.delivered,
                remaining=still_offered(line),
            )
            for line in listed.lines
        ],
        service_region_codes=listed.service_region_codes,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        capacity=row.capacity,
        remaining_capacity=remaining_capacity(row.capacity, row.capacity_used),
        tags=row.tags,
        state=row.state,
        shown_state=shown_state,
        returned_reason=row.returned_reason,
        published_at=row.published_at,
        entered_on_behalf=row.entered_on_behalf_by_id is not None,
        version=row.version,
        contact_name=row.contact_name if with_contact else None,
        contact_phone=row.contact_phone if with_contact else None,
    )
