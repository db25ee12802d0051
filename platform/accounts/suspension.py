"""An organization suspended: announced for what depends on it (its open pairings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.audit import Actor
from core.hooks import Hook


@dataclass(frozen=True, slots=True)
class OrganizationSuspended:
    organization_id: UUID
    actor: Actor
    at: datetime


ORGANIZATION_SUSPENDED: Hook[OrganizationSuspended] = Hook("organization_suspended")
