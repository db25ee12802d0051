"""Who may record which kind of ledger entry, as which party of the agreement
(``agreements.policy.parties_of``): the organization records what it hands over, spends and
refunds; the recipient side confirms or disputes receipt; commitments come from the
organization (top-ups of its own money) or a reviewer of the category (what was signed). A
reversal is recorded by whoever may record the entry it cancels."""

from __future__ import annotations

from agreements.lifecycle import Party
from core.errors import N_
from funds.models import EntryType

WHO: dict[EntryType, frozenset[Party]] = {
    EntryType.COMMITMENT: frozenset({Party.ORGANIZATION, Party.REVIEWER}),
    EntryType.DISBURSEMENT: frozenset({Party.ORGANIZATION}),
    EntryType.EXPENDITURE: frozenset({Party.ORGANIZATION}),
    EntryType.REFUND: frozenset({Party.ORGANIZATION}),
    EntryType.RECEIPT_CONFIRMATION: frozenset({Party.RECIPIENT}),
    EntryType.RECEIPT_DISPUTE: frozenset({Party.RECIPIENT}),
}

REFUSALS = {
    EntryType.COMMITMENT: N_(
        "Only the organization or a reviewer of the category records a commitment."
    ),
    EntryType.DISBURSEMENT: N_("Only the organization records what it disbursed."),
    EntryType.EXPENDITURE: N_("Only the organization records what was spent."),
    EntryType.REFUND: N_("Only the organization records a refund."),
    EntryType.RECEIPT_CONFIRMATION: N_(
        "Only the recipient (its station or department) confirms a receipt."
    ),
    EntryType.RECEIPT_DISPUTE: N_(
        "Only the recipient (its station or department) disputes a receipt."
    ),
}


def may_record(entry_type: EntryType, parties: frozenset[Party]) -> bool:
    """For a reversal, pass the type of the entry it cancels."""
    return bool(WHO[entry_type] & parties)
