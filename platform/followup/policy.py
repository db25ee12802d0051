"""Who sees the reviewers' alerts, and about which agreements: administrators about all,
reviewers about those of the categories they review (all when they name none). Members,
station workers and viewers see no alerts (403). The to-do list needs no rule of its own: it
lists the agreements the visitor is a party to (``agreements.policy.agreement_of_party``) and
each item is decided by the policy of the step it asks for."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from accounts.identity import Identity
from accounts.models import Role
from accounts.policy import reviewed
from agreements.lifecycle import Party
from agreements.models import Agreement
from core.errors import N_

ALERT_READERS = (Role.REVIEWER, Role.ADMIN)
NO_ALERTS = N_("Alerts are for reviewers and administrators.")


def sees_alerts(identity: Identity | None) -> bool:
    return identity is not None and identity.has(*ALERT_READERS)


def alerts_readable(identity: Identity | None) -> ColumnElement[bool]:
    """The agreements whose alerts the identity sees."""
    if identity is None:
        return false()
    if identity.has(Role.ADMIN):
        return true()
    return reviewed(identity, Agreement.category)


def todo_parties(parties: frozenset[Party]) -> frozenset[Party]:
    """As whom a visitor's to-do list acts: the organization or the recipient, never as a
    reviewer (a reviewer's follow-up is the alerts and the review queue)."""
    return parties - {Party.REVIEWER}
