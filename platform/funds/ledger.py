"""The balance of an agreement's ledger and the invariants every new entry must keep: pure
functions of the entries, so the rules are tested without a database.

A reversed entry and the reversal itself count for nothing. A disbursement counts as
delivered only once the recipient confirms it; a dispute holds it apart until a confirmation
follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeVar
from uuid import UUID

from core.columns import ZERO
from core.errors import N_, Conflict
from funds.models import EntryType


class Posted(Protocol):
    """What the rules read of an entry (a stored ``LedgerEntry`` or one about to be)."""

    id: UUID
    entry_type: EntryType
    amount: Decimal
    reverses_id: UUID | None
    confirms_id: UUID | None


class InvariantBroken(Conflict):
    code = "ledger_invariant"


class OverDisbursed(InvariantBroken):
    code = "disbursed_over_committed"


class OverSpent(InvariantBroken):
    code = "spent_over_confirmed"


class BadReversal(InvariantBroken):
    code = "reversal_invalid"


class BadConfirmation(InvariantBroken):
    code = "confirmation_invalid"


OVER_DISBURSED = N_(
    "Refused: the amount disbursed (%(disbursed)s yuan) may not exceed the amount committed "
    "(%(committed)s yuan)."
)
OVER_SPENT = N_(
    "Refused: the amount spent and refunded (%(spent)s yuan) may not exceed the receipts the "
    "recipient confirmed (%(confirmed)s yuan)."
)
NOT_REVERSIBLE = N_(
    "Refused: a reversal must cancel an entry of this agreement that is not a reversal and "
    "has not been reversed yet."
)
NOT_CONFIRMABLE = N_(
    "Refused: only a disbursement of this agreement that is not reversed and not yet "
    "confirmed can be confirmed or disputed."
)


@dataclass(frozen=True, slots=True)
class Balance:
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    confirmed: Decimal = ZERO
    """Disbursements the recipient confirmed: what was delivered."""
    disputed: Decimal = ZERO
    """Disbursements the recipient disputed and has not confirmed since."""
    spent: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def unconfirmed(self) -> Decimal:
        return self.disbursed - self.confirmed

    @property
    def awaiting(self) -> Decimal:
        """Disbursements the recipient has neither confirmed nor disputed yet."""
        return self.disbursed - self.confirmed - self.disputed


class Receipt(StrEnum):
    """Where a disbursement in force stands with the recipient."""

    AWAITING = "awaiting"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"

    @property
    def label(self) -> str:
        return _RECEIPT_LABELS[self]


_RECEIPT_LABELS = {
    Receipt.AWAITING: N_("Awaiting confirmation"),
    Receipt.CONFIRMED: N_("Confirmed"),
    Receipt.DISPUTED: N_("Disputed"),
}


def reversed_ids(entries: Sequence[Posted]) -> set[UUID]:
    return {
        entry.reverses_id
        for entry in entries
        if entry.entry_type is EntryType.REVERSAL and entry.reverses_id is not None
    }


E = TypeVar("E", bound=Posted)


def _in_force(entries: Sequence[E]) -> list[E]:
    """The entries no reversal cancelled (the reversals themselves sum to nothing)."""
    cancelled = reversed_ids(entries)
    return [entry for entry in entries if entry.id not in cancelled]


def delivered(entries: Sequence[E]) -> list[E]:
    """The disbursements in force that the recipient confirmed: what was delivered."""
    live = _in_force(entries)
    confirmed = _answered(live, EntryType.RECEIPT_CONFIRMATION)
    return [e for e in live if e.entry_type is EntryType.DISBURSEMENT and e.id in confirmed]


def unanswered(entries: Sequence[E]) -> list[E]:
    """The disbursements in force the recipient has neither confirmed nor disputed yet."""
    live = _in_force(entries)
    answered = _answered(live, EntryType.RECEIPT_CONFIRMATION) | _answered(
        live, EntryType.RECEIPT_DISPUTE
    )
    return [e for e in live if e.entry_type is EntryType.DISBURSEMENT and e.id not in answered]


def in_force_of_type(entries: Sequence[E], entry_type: EntryType) -> list[E]:
    return [entry for entry in _in_force(entries) if entry.entry_type is entry_type]


def balance(entries: Sequence[Posted]) -> Balance:
    """The sums of the entries still in force."""
    live = _in_force(entries)
    confirmed = _answered(live, EntryType.RECEIPT_CONFIRMATION)
    disputed = _answered(live, EntryType.RECEIPT_DISPUTE) - confirmed
    disbursements = [entry for entry in live if entry.entry_type is EntryType.DISBURSEMENT]
    return Balance(
        committed=_total(live, EntryType.COMMITMENT),
        disbursed=_total(live, EntryType.DISBURSEMENT),
        confirmed=sum((e.amount for e in delivered(entries)), ZERO),
        disputed=sum((e.amount for e in disbursements if e.id in disputed), ZERO),
        spent=_total(live, EntryType.EXPENDITURE),
        refunded=_total(live, EntryType.REFUND),
    )


def receipts(entries: Sequence[Posted]) -> dict[UUID, Receipt]:
    """Each disbursement in force with where it stands: confirmed once confirmed (even after
    a dispute), disputed while a dispute stands alone, otherwise awaiting."""
    live = _in_force(entries)
    confirmed = _answered(live, EntryType.RECEIPT_CONFIRMATION)
    disputed = _answered(live, EntryType.RECEIPT_DISPUTE)
    return {
        entry.id: Receipt.CONFIRMED
        if entry.id in confirmed
        else Receipt.DISPUTED
        if entry.id in disputed
        else Receipt.AWAITING
        for entry in live
        if entry.entry_type is EntryType.DISBURSEMENT
    }


def check(entries: Sequence[Posted], new: Posted) -> Balance:
    """The balance with ``new`` appended, or the broken invariant named (409)."""
    if new.entry_type is EntryType.REVERSAL:
        _check_reversal(entries, new)
    if new.entry_type in (EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE):
        _check_answer(entries, new)
    after = balance([*entries, new])
    if after.disbursed > after.committed:
        raise OverDisbursed(
            OVER_DISBURSED,
            params={"disbursed": f"{after.disbursed:.2f}", "committed": f"{after.committed:.2f}"},
        )
    if after.spent + after.refunded > after.confirmed:
        raise OverSpent(
            OVER_SPENT,
            params={
                "spent": f"{after.spent + after.refunded:.2f}",
                "confirmed": f"{after.confirmed:.2f}",
            },
        )
    return after


def _check_reversal(entries: Sequence[Posted], new: Posted) -> None:
    target = next((entry for entry in entries if entry.id == new.reverses_id), None)
    if (
        target is None
        or target.entry_type is EntryType.REVERSAL
        or target.id in reversed_ids(entries)
    ):
        raise BadReversal(NOT_REVERSIBLE)


def _check_answer(entries: Sequence[Posted], new: Posted) -> None:
    """A confirmation of a live, unconfirmed disbursement; a dispute also of one not disputed
    already (a confirmation may follow a dispute, once it is settled)."""
    live = _in_force(entries)
    target = next((entry for entry in live if entry.id == new.confirms_id), None)
    confirmed = _answered(live, EntryType.RECEIPT_CONFIRMATION)
    disputed = _answered(live, EntryType.RECEIPT_DISPUTE)
    if (
        target is None
        or target.entry_type is not EntryType.DISBURSEMENT
        or target.id in confirmed
        or (new.entry_type is EntryType.RECEIPT_DISPUTE and target.id in disputed)
    ):
        raise BadConfirmation(NOT_CONFIRMABLE)


def _answered(live: Sequence[Posted], entry_type: EntryType) -> set[UUID]:
    return {
        entry.confirms_id
        for entry in live
        if entry.entry_type is entry_type and entry.confirms_id is not None
    }


def _total(live: Sequence[Posted], entry_type: EntryType) -> Decimal:
    return sum((entry.amount for entry in live if entry.entry_type is entry_type), ZERO)
