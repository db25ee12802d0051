"""Notices on a party's to-do list (a pairing of theirs ended by the other side): whose they
are, decided here once, for the list and for marking them read."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from accounts.identity import Identity
from accounts.models import Role
from matching.models import Notice

SHOWN = 20


def addressed_to(identity: Identity) -> ColumnElement[bool]:
    """An organization's members read its notices, a station's workers their township's, and
    reviewers those of the association and department needs they speak for."""
    mine: list[ColumnElement[bool]] = []
    if identity.has(Role.MEMBER) and identity.organization_id is not None:
        mine.append(Notice.organization_id == identity.organization_id)
    if identity.has(Role.STATION_WORKER) and identity.township_code is not None:
        mine.append(Notice.township_code == identity.township_code)
    if identity.has(Role.REVIEWER):
        mine.append(Notice.organization_id.is_(None) & Notice.township_code.is_(None))
    return or_(*mine) if mine else false()
