"""Notices on a party's to-do list (a pairing of theirs ended by the other side): whose they
are, decided here once, for the list and for marking them read."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from core.clock import Clock
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


async def unread(session: AsyncSession, identity: Identity) -> list[Notice]:
    return list(
        await session.scalars(
            select(Notice)
            .where(addressed_to(identity), Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc())
            .limit(SHOWN)
        )
    )


async def mark_read(
    session: AsyncSession, clock: Clock, identity: Identity, notice_id: UUID
) -> None:
    """Only one's own notices; anyone else's id changes nothing."""
    notice = await session.scalar(
        select(Notice).where(Notice.id == notice_id, addressed_to(identity))
    )
    if notice is not None and notice.read_at is None:
        notice.read_at = clock()
        await session.flush()
