"""Who may read an agreement, see its private data and documents, and act on it: the one
policy of agreements, used by every list, detail, export and document download.

The parties are the organization (its members) and the recipient: the station of the
township the village or township belongs to, or for a department's agreement, that department
(and, for needs a department speaks for and for a whole county, the reviewers of the category,
as in pairing).
Reviewers, viewers and administrators read every agreement; reviewers of its category also act
on it. The public reads signed, running and completed agreements, without the people in them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, or_, true

from accounts.identity import Identity
from accounts.models import Role
from accounts.policy import member_of, reviews, works_in_township
from agreements.lifecycle import SIGNED_OR_LATER, Party
from agreements.models import Agreement
from demand.models import Channel
from matching.models import Proposal

STAFF = (Role.ADMIN, Role.REVIEWER, Role.VIEWER)


def agreement_public() -> ColumnElement[bool]:
    """What anyone may read (the transparency page's agreements): signed or later, not ended."""
    return Agreement.state.in_(SIGNED_OR_LATER)


def agreement_of_party(identity: Identity | None) -> ColumnElement[bool]:
    """SQL twin of :func:`parties_of` without the reviewers: the agreements the identity is a
    party to."""
    if identity is None:
        return false()
    own: list[ColumnElement[bool]] = []
    if Role.MEMBER in identity.roles and identity.organization_id is not None:
        own.append(Agreement.organization_id == identity.organization_id)
    if Role.STATION_WORKER in identity.roles and identity.township_code is not None:
        own.append(Agreement.township_code == identity.township_code)
    if identity.department_id is not None:
        own.append(Agreement.department_id == identity.department_id)
    return or_(false(), *own)


def agreement_private(identity: Identity | None) -> ColumnElement[bool]:
    """The agreements whose drafts, people and documents the identity may see."""
    if identity is not None and identity.has(*STAFF):
        return true()
    return agreement_of_party(identity)


def agreement_readable(identity: Identity | None) -> ColumnElement[bool]:
    return or_(agreement_public(), agreement_private(identity))


def parties_of(identity: Identity | None, agreement: Agreement) -> frozenset[Party]:
    """As whom the identity may act on this agreement."""
    if identity is None:
        return frozenset()
    found = set()
    if member_of(identity, agreement.organization_id):
        found.add(Party.ORGANIZATION)
    if _speaks_for_recipient(identity, agreement):
        found.add(Party.RECIPIENT)
    if reviews(identity, agreement.category):
        found.add(Party.REVIEWER)
    return frozenset(found)


def may_agree_on(identity: Identity, proposals: Sequence[Proposal]) -> bool:
    """Who may make an agreement of accepted pairings: for each of them, its organization,
    its recipient's station or a reviewer of its category. Asked before anything about the
    pairings' state is answered, so that no one else learns whether they were accepted or
    agreed on."""
    return all(
        member_of(identity, proposal.organization_id)
        or (
            proposal.need.channel is Channel.STATION
            and works_in_township(identity, proposal.need.township_code)
        )
        or reviews(identity, proposal.need.category)
        for proposal in proposals
    )


def signed_sides(agreement: Agreement) -> frozenset[Party]:
    """The parties that have confirmed the agreement on the platform."""
    sides = set()
    if agreement.organization_confirmed_at is not None:
        sides.add(Party.ORGANIZATION)
    if agreement.recipient_confirmed_at is not None:
        sides.add(Party.RECIPIENT)
    return frozenset(sides)


def _speaks_for_recipient(identity: Identity, agreement: Agreement) -> bool:
    """A village or township: its township's station. A department: its own staff, or for
    needs a department speaks for without an account here, the reviewers of the category. A
    whole county (agreements entered from paper): the reviewers of the category."""
    if agreement.township_code is not None:
        return works_in_township(identity, agreement.township_code)
    if agreement.department_id is not None:
        return identity.department_id == agreement.department_id
    return reviews(identity, agreement.category)


def sees_private(identity: Identity | None, agreement: Agreement) -> bool:
    """The responsible persons, their phones, the signatories and the documents."""
    if identity is None:
        return False
    if identity.has(*STAFF):
        return True
    parties = parties_of(identity, agreement)
    return Party.ORGANIZATION in parties or Party.RECIPIENT in parties
