"""Proposals in and out of HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints

from catalogue.entry import amount_unit
from core.amounts import Amount
from core.assembled import assembled
from matching.consent import Pairing, still_to_answer
from matching.models import ProposalState, Side
from matching.repository import ListedProposal
from matching.rules import Step

Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class ProposalIn(BaseModel):
    need_id: UUID
    offer_id: UUID
    amounts: dict[UUID, Amount] | None = None
    """Per need line, what to commit; by default as much as the need lacks and the offer has."""
    message: Message = ""


class AnswerIn(BaseModel):
    reason: Message = ""


class ProposalLineRead(BaseModel):
    need_line_id: UUID
    offer_line_id: UUID
    kind: str
    unit: str
    item: str
    amount: Decimal
    """Taken from the offer line, in ``offer_unit``."""
    offer_kind: str
    offer_unit: str
    covers: Decimal
    """Added to the need line, in ``unit``: equal to ``amount`` for help of the same kind; for
    funds paying for goods, time or purchases, the share the yuan buy (0 for a line with no
    value in yuan, whose quantity the pledge does not move)."""


class ProposalRead(BaseModel):
    id: UUID
    need_id: UUID
    need_title: str
    offer_id: UUID
    offer_title: str
    organization_id: UUID
    state: ProposalState
    proposed_by: Side
    message: str
    answer_reason: str
    score: float
    breakdown: dict[str, float]
    lines: list[ProposalLineRead]
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    event_id: UUID | None
    agreed: list[Side]
    """The parties that have agreed: ``offer`` (the organization), ``need`` (the recipient)."""
    awaiting: list[Side]
    """The parties whose answer is still awaited, by ``expires_at``."""
    steps: list[Step]
    """What the caller may do with it now."""


def proposal_read(listed: ListedProposal, pairing: Pairing, steps: list[Step]) -> ProposalRead:
    """The API view of a proposal read as plain columns (lists and single reads alike). The
    columns come from the database, already of the model's types, so the view is assembled
    without validating them again."""
    row = listed.row
    return assembled(
        ProposalRead,
        id=row.id,
        need_id=row.need_id,
        need_title=row.need_title,
        offer_id=row.offer_id,
        offer_title=row.offer_title,
        organization_id=row.organization_id,
        state=pairing.state,
        proposed_by=row.proposed_by,
        message=row.message,
        answer_reason=row.answer_reason,
        score=round(float(row.score), 4),
        breakdown={name: round(float(value), 4) for name, value in row.breakdown.items()},
        lines=[
            assembled(
                ProposalLineRead,
                need_line_id=line.need_line_id,
                offer_line_id=line.offer_line_id,
                kind=line.kind.value,
                unit=amount_unit(line.kind, line.unit),
                item=line.item,
                amount=line.amount,
                offer_kind=line.offer_kind.value,
                offer_unit=amount_unit(line.offer_kind, line.offer_unit),
                covers=line.covers,
            )
            for line in listed.lines
        ],
        created_at=row.created_at,
        expires_at=row.expires_at,
        answered_at=row.answered_at,
        event_id=row.event_id,
        agreed=[side for side in (Side.OFFER, Side.NEED) if side in pairing.agreed],
        awaiting=still_to_answer(pairing),
        steps=steps,
    )
