"""A published entry withdrawn or closed: announced for the pairings made of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from catalogue.models import EntryKind
from core.audit import Actor
from core.hooks import Hook


@dataclass(frozen=True, slots=True)
class EntryEnding:
    kind: EntryKind
    entry_id: UUID
    reason: str
    """Why, as its owner or reviewer gave it (may be empty)."""
    confirmed: bool
    """Whether the person confirmed ending what depends on the entry."""
    actor: Actor
    at: datetime


ENTRY_ENDING: Hook[EntryEnding] = Hook("entry_ending")
