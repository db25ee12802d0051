"""Tamper evidence: each entry's hash covers its content and the previous entry's hash of the
same agreement, so altering, removing or reordering a stored entry breaks the chain from there
on. ``verify`` names the first break."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from enum import StrEnum

from core.errors import N_
from funds.models import LedgerEntry

GENESIS = ""
"""The ``previous_hash`` of an agreement's first entry."""


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def content_hash(entry: LedgerEntry) -> str:
    """SHA-256 of the entry's fields and ``previous_hash`` as canonical JSON (sorted keys, no
    spaces, amounts with two places, times in UTC), the same on every database."""
    fields = {
        "agreement_id": str(entry.agreement_id),
        "sequence": entry.sequence,
        "entry_type": entry.entry_type.value,
        "amount": _money(entry.amount),
        "quantity": _money(entry.quantity),
        "unit": entry.unit,
        "spend_category": entry.spend_category,
        "evidence": entry.evidence,
        "note": entry.note,
        "reverses_id": None if entry.reverses_id is None else str(entry.reverses_id),
        "confirms_id": None if entry.confirms_id is None else str(entry.confirms_id),
        "actor_id": None if entry.actor_id is None else str(entry.actor_id),
        "actor_name": entry.actor_name,
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class BreakKind(StrEnum):
    GAP = "gap"
    """An entry missing or out of order."""
    LINK = "link"
    """An entry's ``previous_hash`` is not the previous entry's hash."""
    CONTENT = "content"
    """An entry's fields no longer hash to what was stored."""


BREAK_MESSAGES = {
    BreakKind.GAP: N_(
        "The ledger does not verify: at entry %(sequence)s, entry %(expected)s is missing or "
        "out of order."
    ),
    BreakKind.LINK: N_(
        "The ledger does not verify: entry %(sequence)s no longer links to the entry before it."
    ),
    BreakKind.CONTENT: N_(
        "The ledger does not verify: entry %(sequence)s was altered after it was recorded."
    ),
}
"""The break said for people (pages); ``ChainBreak.reason`` says it for the command line."""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    agreement_id: str
    sequence: int
    kind: BreakKind
    expected: int = 0
    """The sequence the chain expected, for a gap."""

    @property
    def reason(self) -> str:
        if self.kind is BreakKind.GAP:
            return f"expected entry {self.expected}"
        return "previous hash differs" if self.kind is BreakKind.LINK else "content altered"

    @property
    def message(self) -> tuple[str, dict[str, int]]:
        """The gettext id and its parameters."""
        return BREAK_MESSAGES[self.kind], {"sequence": self.sequence, "expected": self.expected}

    def __str__(self) -> str:
        return f"agreement {self.agreement_id}, entry {self.sequence}: {self.reason}"


def verify(entries: Sequence[LedgerEntry]) -> ChainBreak | None:
    """The first break in one agreement's entries (ordered by sequence), or ``None``."""
    previous = GENESIS
    for expected, entry in enumerate(entries, start=1):
        agreement_id = str(entry.agreement_id)
        if entry.sequence != expected:
            return ChainBreak(agreement_id, entry.sequence, BreakKind.GAP, expected)
        if entry.previous_hash != previous:
            return ChainBreak(agreement_id, entry.sequence, BreakKind.LINK)
        if content_hash(entry) != entry.content_hash:
            return ChainBreak(agreement_id, entry.sequence, BreakKind.CONTENT)
        previous = entry.content_hash
    return None
