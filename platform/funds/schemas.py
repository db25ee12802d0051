"""Ledger entries in and out of HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints, field_serializer, model_validator

from core.amounts import Amount
from core.errors import N_
from funds.ledger import Balance
from funds.models import EntryType, LedgerEntry

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
NAMES_ANOTHER = (EntryType.REVERSAL, EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE)
"""Types whose amount is that of the entry they name."""


class EntryIn(BaseModel):
    """``amount`` in yuan; for goods also ``quantity`` and ``unit`` (the amount is then their
    estimated value). An expenditure names its spend category; its evidence (the invoice) may
    not be at hand yet, and until it is recorded reviewers see an alert
    (``followup.alerts``). A confirmation or dispute names the disbursement (``confirms_id``), a
    reversal the entry it cancels (``reverses_id``); both take their amount from it."""

    entry_type: EntryType
    amount: Amount | None = None
    quantity: Amount | None = None
    unit: Short = ""
    spend_category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    evidence: Text = ""
    note: Text = ""
    reverses_id: UUID | None = None
    confirms_id: UUID | None = None

    @model_validator(mode="after")
    def _fields_fit_the_type(self) -> EntryIn:
        kind = self.entry_type
        if kind in NAMES_ANOTHER:
            if self.amount is not None or self.quantity is not None:
                raise ValueError(N_("This entry takes its amount from the entry it names."))
        elif self.amount is None:
            raise ValueError(N_("Enter the amount in yuan."))
        if (self.quantity is None) != (not self.unit):
            raise ValueError(N_("Goods need both a quantity and a unit."))
        if kind is EntryType.REVERSAL and self.reverses_id is None:
            raise ValueError(N_("Name the entry this reversal cancels."))
        if kind is not EntryType.REVERSAL and self.reverses_id is not None:
            raise ValueError(N_("Only a reversal names an entry to cancel."))
        answers = (EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE)
        if kind in answers and self.confirms_id is None:
            raise ValueError(N_("Name the disbursement you confirm or dispute."))
        if kind not in answers and self.confirms_id is not None:
            raise ValueError(N_("Only a confirmation or dispute names a disbursement."))
        if kind is EntryType.EXPENDITURE and not self.spend_category:
            raise ValueError(N_("An expenditure needs a spend category."))
        if kind in (EntryType.RECEIPT_DISPUTE, EntryType.REVERSAL) and not self.note:
            raise ValueError(N_("Say why in the note."))
        return self


class EntryRead(BaseModel):
    id: UUID
    sequence: int
    entry_type: EntryType
    amount: Decimal
    quantity: Decimal | None
    unit: str
    spend_category: str
    evidence: str
    note: str
    reverses_id: UUID | None
    confirms_id: UUID | None
    actor_name: str
    created_at: datetime
    content_hash: str
    previous_hash: str

    @field_serializer("amount", "quantity")
    def _money(self, value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"


class BalanceRead(BaseModel):
    committed: Decimal
    disbursed: Decimal
    confirmed: Decimal
    disputed: Decimal
    spent: Decimal
    refunded: Decimal

    @field_serializer("committed", "disbursed", "confirmed", "disputed", "spent", "refunded")
    def _money(self, value: Decimal) -> str:
        return f"{value:.2f}"


def entry_read(entry: LedgerEntry) -> EntryRead:
    return EntryRead.model_validate(entry, from_attributes=True)


def balance_read(balance: Balance) -> BalanceRead:
    return BalanceRead(
        committed=balance.committed,
        disbursed=balance.disbursed,
        confirmed=balance.confirmed,
        disputed=balance.disputed,
        spent=balance.spent,
        refunded=balance.refunded,
    )
