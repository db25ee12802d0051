"""Who may read or change what: the rules about people and organizations, in one place.

Each entity's policy answers two questions for an identity (None for anonymous visitors):
its *readable statement*, a SQL condition every list, detail, export and search document
applies, and whether the identity may change one object. The catalogue's entries keep their
policies beside their models (``supply.policy``, ``demand.policy``) and build on the
rules here; no handler or service re-derives them.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.sql.elements import SQLCoreOperations

from accounts.identity import Identity
from accounts.models import Organization, Role, Verification
from core.categories import TopCategory

STAFF = (Role.ADMIN, Role.REVIEWER)
"""Staff who look after organizations: they see every organization's registration data."""


def member_of(identity: Identity | None, organization_id: UUID | None) -> bool:
    """The identity speaks for this organization."""
    return (
        identity is not None
        and Role.MEMBER in identity.roles
        and organization_id is not None
        and identity.organization_id == organization_id
    )


def works_in_township(identity: Identity | None, township_code: str | None) -> bool:
    """The identity is a worker of this township's station (the station-township rule)."""
    return (
        identity is not None
        and Role.STATION_WORKER in identity.roles
        and township_code is not None
        and identity.township_code == township_code
    )


def reviews(identity: Identity | None, category: TopCategory) -> bool:
    """A reviewer of this category (reviewers without named categories review them all)."""
    return identity is not None and identity.may_review(category)


def reviewed(
    identity: Identity | None, category: SQLCoreOperations[TopCategory]
) -> ColumnElement[bool]:
    """SQL twin of :func:`reviews` on a category column."""
    if identity is None or Role.REVIEWER not in identity.roles:
        return false()
    if not identity.reviewer_categories:
        return true()
    return category.in_(sorted(identity.reviewer_categories))


def keeps_station_contact(identity: Identity | None, township_code: str) -> bool:
    """A station's contact is kept by its own workers and by administrators."""
    return works_in_township(identity, township_code) or (
        identity is not None and identity.has(Role.ADMIN)
    )


def sees_contacts(identity: Identity | None) -> bool:
    """Contact names and phones of others are for signed-in users with a verified affiliation:
    staff, station workers and members of verified organizations. Anyone may register an
    organization; a pending one must not be a way to collect phone numbers."""
    if identity is None:
        return False
    if identity.organization_id is not None:
        return identity.organization_verified
    return identity.station_id is not None or identity.department_id is not None


def organization_readable(identity: Identity | None) -> ColumnElement[bool]:
    """Verified organizations are public; pending and suspended ones exist only for their own
    members and for staff."""
    if identity is not None and identity.has(*STAFF):
        return true()
    public = Organization.verification == Verification.VERIFIED
    if identity is not None and identity.organization_id is not None:
        return or_(public, Organization.id == identity.organization_id)
    return public


def sees_private_of(identity: Identity | None, organization: Organization) -> bool:
    """The credit code and contact of an organization: its members and staff always; others
    with a verified affiliation only once it is verified."""
    if member_of(identity, organization.id) or (identity is not None and identity.has(*STAFF)):
        return True
    return organization.verification is Verification.VERIFIED and sees_contacts(identity)


def reads_audit_log(identity: Identity | None) -> bool:
    """The audit log, on its page and as a download, is for administrators only: it names
    everyone's actions and addresses."""
    return identity is not None and identity.has(Role.ADMIN)
