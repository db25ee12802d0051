"""Which steps a page offers a visitor on an agreement, and which of them await the visitor:
the lifecycle's steps for the visitor's parties, less a signature their side already gave.
Pure, so the detail page, the to-do list and their tests agree."""

from __future__ import annotations

from agreements.lifecycle import Party, Step, steps_for
from agreements.models import Agreement


def _signed_already(agreement: Agreement, parties: frozenset[Party]) -> bool:
    signed = {
        Party.ORGANIZATION: agreement.organization_confirmed_at is not None,
        Party.RECIPIENT: agreement.recipient_confirmed_at is not None,
    }
    return all(signed.get(party, True) for party in parties)


def offered_steps(agreement: Agreement, parties: frozenset[Party]) -> list[Step]:
    """The buttons: each step the visitor may take now that would change something."""
    return [
        step
        for step in steps_for(agreement.state, parties)
        if not (step is Step.CONFIRM and _signed_already(agreement, parties))
    ]


def awaiting(agreement: Agreement, parties: frozenset[Party]) -> list[Step]:
    """What the agreement waits for from the visitor (ending it is never a to-do)."""
    return [step for step in offered_steps(agreement, parties) if step is not Step.TERMINATE]
