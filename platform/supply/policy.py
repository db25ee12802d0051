"""Who may read or change an offer: its readable statement and its owners, in one place.

Every list, detail, export, search document and page asks this module (rules about people
and organizations come from ``accounts.policy``).
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_

from accounts.identity import Identity
from accounts.models import Organization, Verification
from accounts.policy import member_of, reviewed, sees_contacts
from catalogue.workflow import EntryState
from supply.models import Offer


class OwnedOffer(Protocol):
    """What the owner test reads of an offer: a loaded ``Offer`` or a listed row alike."""

    @property
    def organization_id(self) -> UUID: ...


def offer_public() -> ColumnElement[bool]:
    """What anyone may read: published offers of organizations in good standing (a suspended
    or unverified organization's offers leave every public list, export and the index)."""
    return and_(
        Offer.state == EntryState.PUBLISHED,
        Offer.organization.has(Organization.verification == Verification.VERIFIED),
    )


def offer_readable(identity: Identity | None) -> ColumnElement[bool]:
    """The offers this identity may read: the public ones, its own organization's in every
    state, and every state of the categories it reviews. Offers of an import still being
    stored are no one's yet (``listings.importing.staging``)."""
    readable = [offer_public(), reviewed(identity, Offer.category)]
    if identity is not None and identity.organization_id is not None:
        readable.append(Offer.organization_id == identity.organization_id)
    return and_(Offer.import_batch.is_(None), or_(*readable))


def owns_offer(identity: Identity | None, offer: OwnedOffer) -> bool:
    """Only the organization's own members change its offers."""
    return member_of(identity, offer.organization_id)


def sees_offer_contact(identity: Identity | None, offer: OwnedOffer) -> bool:
    """The contact person and phone: the owners, and signed-in users with a verified
    affiliation (``accounts.policy.sees_contacts``)."""
    return owns_offer(identity, offer) or sees_contacts(identity)
