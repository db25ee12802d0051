"""Photos of needs: the township's own station adds and removes them while the need is a draft
or returned; whoever may see the need may see its photos.

Each change is recorded on the need's history and in the audit log, like any edit. A file is
moved into place only when its row commits and removed only when its row's deletion commits
(``core.files``), so a refused, failed or crashed step leaves neither a row without its file
nor a file without its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from catalogue.service import NotYours
from catalogue.workflow import EntryState
from core.audit import Actor
from core.clock import Clock
from core.database import locked
from core.errors import N_, FieldProblem, InvalidInput
from demand.models import Need, NeedPhoto
from demand.photo_store import PhotoMissing, PhotoStore
from demand.service import NeedService

MAX_CAPTION = 100


@dataclass(frozen=True, slots=True)
class ServedPhoto:
    """A photo's bytes as the media route sends them."""

    content: bytes
    content_type: str
    sha256: str
    public: bool


def photo_url(photo: NeedPhoto) -> str:
    return f"/media/needs/{photo.need_id}/{photo.id}"


async def photos_of(session: AsyncSession, need_id: UUID) -> list[NeedPhoto]:
    """A need's photos in the order they were added."""
    rows = await session.scalars(
        select(NeedPhoto)
        .where(NeedPhoto.need_id == need_id)
        .order_by(NeedPhoto.position, NeedPhoto.id)
    )
    return list(rows)


class NeedPhotoService:
    def __init__(self, session: AsyncSession, clock: Clock, store: PhotoStore) -> None:
        self.session = session
        self.clock = clock
        self.store = store
        self.needs = NeedService(session, clock)

    async def add(
        self,
        need_id: UUID,
        identity: Identity,
        actor: Actor,
        content: bytes,
        caption: str | None = None,
    ) -> NeedPhoto:
        need = await self._editable(need_id, identity)
        text = _caption(caption)
        await self._lock(need)
        existing = await self.session.scalar(
            select(func.count()).select_from(NeedPhoto).where(NeedPhoto.need_id == need.id)
        )
        checked = self.store.check(content, existing or 0)
        last = await self.session.scalar(
            select(func.max(NeedPhoto.position)).where(NeedPhoto.need_id == need.id)
        )
        photo = NeedPhoto(
            id=uuid7(),
            need_id=need.id,
            position=0 if last is None else last + 1,
            content_type=checked.content_type,
            byte_size=checked.byte_size,
            sha256=checked.sha256,
            caption=text,
            created_at=self.clock(),
        )
        self.session.add(photo)
        await self.needs.flush()
        self.needs.history(need, "photo_added", actor, need.state)
        self.store.write(self.session, checked)
        return photo

    async def remove(self, need_id: UUID, photo_id: UUID, identity: Identity, actor: Actor) -> None:
        need = await self._editable(need_id, identity)
        photo = await self._photo(need.id, photo_id)
        await self.session.delete(photo)
        await self.needs.flush()
        self.needs.history(need, "photo_removed", actor, need.state)

    async def list(self, need_id: UUID, identity: Identity | None = None) -> list[NeedPhoto]:
        """The photos of a need this visitor may see (404 otherwise)."""
        need = await self.needs.require(need_id, identity)
        return await photos_of(self.session, need.id)

    async def open(self, need_id: UUID, photo_id: UUID, identity: Identity | None) -> ServedPhoto:
        """The photo's bytes, if the visitor may see the need; 404 for everyone else."""
        need = await self.needs.require(need_id, identity)
        photo = await self._photo(need.id, photo_id)
        return ServedPhoto(
            content=self.store.read(photo.sha256),
            content_type=photo.content_type,
            sha256=photo.sha256,
            public=need.state is EntryState.PUBLISHED,
        )

    async def _editable(self, need_id: UUID, identity: Identity) -> Need:
        """The need if this visitor may change its photos now: its owner, while a draft or
        returned (the same rules and answers as editing the need)."""
        need = await self.needs.require(need_id, identity)
        if not self.needs.is_owner(identity, need):
            raise NotYours(N_("Only the township's own station edits its needs."))
        self.needs.check_editable(need)
        return need

    async def _photo(self, need_id: UUID, photo_id: UUID) -> NeedPhoto:
        photo = await self.session.get(NeedPhoto, photo_id)
        if photo is None or photo.need_id != need_id:
            raise PhotoMissing(N_("No such photo."))
        return photo

    async def _lock(self, need: Need) -> None:
        """Two uploads at once must not both pass the six-photo limit: hold the need's row
        (`core.database.locked`)."""
        await self.session.execute(locked(select(Need.id).where(Need.id == need.id)))


def _caption(caption: str | None) -> str:
    text = " ".join((caption or "").split())
    if len(text) > MAX_CAPTION:
        message = N_("A caption may be at most %(max)s characters.")
        raise InvalidInput(
            message,
            params={"max": MAX_CAPTION},
            problems=[FieldProblem("caption", "too_long", message, {"max": MAX_CAPTION})],
        )
    return text
