"""Who may read or change a need: its readable statement and its owners, in one place.

Every list, detail, export, search document and page asks this module (rules about people
come from ``accounts.policy``).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from accounts.identity import Identity
from accounts.models import Role
from accounts.policy import reviewed, reviews, sees_contacts, works_in_township
from catalogue.workflow import EntryState
from core.categories import TopCategory
from demand.models import Channel, Need, NeedLine
from regions.models import Region


class OwnedNeed(Protocol):
    """What the owner test reads of a need: a loaded ``Need`` or a listed row alike."""

    @property
    def channel(self) -> Channel: ...
    @property
    def township_code(self) -> str: ...
    @property
    def category(self) -> TopCategory: ...


def need_public() -> ColumnElement[bool]:
    """What anyone may read: published needs."""
    return Need.state == EntryState.PUBLISHED


def need_still_sought() -> ColumnElement[bool]:
    """Some line still lacks what it seeks (``NeedProgress`` short of fully committed): a need
    whose every line is committed to pairings and agreements is no longer open."""
    # One correlated lookup per need (1 when a line still lacks, NULL without lines): written
    # as "no line OR some line lacking", PostgreSQL hashed both subqueries over every line of
    # every need on each read of a page (150 ms at 100,000 needs).
    lacking = (
        select(func.max(case((NeedLine.committed < NeedLine.sought, 1), else_=0)))
        .where(NeedLine.need_id == Need.id)
        .correlate(Need)
        .scalar_subquery()
    )
    return func.coalesce(lacking, 1) == 1


def need_open() -> ColumnElement[bool]:
    """The open catalogue and the search index: published needs still seeking something."""
    return and_(need_public(), need_still_sought())


def need_readable(identity: Identity | None) -> ColumnElement[bool]:
    """The needs this identity may read: published ones, every state of the categories it
    reviews (which covers the association and department needs reviewers own), and its own
    township's station needs in every state. Needs of an import still being stored are no
    one's yet (``listings.importing.staging``)."""
    readable = [need_public(), reviewed(identity, Need.category)]
    if identity is not None and Role.STATION_WORKER in identity.roles and identity.township_code:
        readable.append(
            and_(Need.channel == Channel.STATION, Need.township_code == identity.township_code)
        )
    return and_(Need.import_batch.is_(None), or_(*readable))


def owns_need(identity: Identity | None, need: OwnedNeed) -> bool:
    """A station need belongs to its township's station; an association's or department's
    need to the reviewers of its category, who post such needs for them."""
    if need.channel is Channel.STATION:
        return works_in_township(identity, need.township_code)
    return reviews(identity, need.category)


def may_post_in(identity: Identity | None, region: Region) -> bool:
    """A station posts needs for its own township and that township's villages."""
    return works_in_township(identity, region.code) or works_in_township(
        identity, region.parent_code
    )


def sees_need_contact(identity: Identity | None, need: OwnedNeed) -> bool:
    """The station's contact: the owners, and signed-in users with a verified affiliation."""
    return owns_need(identity, need) or sees_contacts(identity)
