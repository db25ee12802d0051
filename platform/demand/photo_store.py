"""Where the photos of needs live: files in the app's content store (``core.files``), named by
the digest the photo's row keeps, put in place when the row commits and swept once no row names
them.

What an upload is decides its type: its first bytes (JPEG, PNG or WebP), never its file name or
the content type the client sent. No image library is involved; the bytes are stored as they
came and served with ``nosniff``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import N_, FieldProblem, InvalidInput, NotFound
from core.files import ContentStore, sniff
from core.settings import Settings
from demand.models import NeedPhoto

MAX_PHOTO_BYTES = 5 * 2**20
MAX_PHOTOS_PER_NEED = 6
ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
FIELD = "photo"


@dataclass(frozen=True, slots=True)
class CheckedPhoto:
    """An upload that passed the checks: its bytes, their real type, size and digest."""

    content: bytes
    content_type: str
    byte_size: int
    sha256: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


class PhotoMissing(NotFound):
    code = "photo_not_found"


def _refused(code: str, message: str, params: dict[str, object] | None = None) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(FIELD, code, message, params or {})])


def checked_image(content: bytes) -> CheckedPhoto:
    """The upload if it is a JPEG, PNG or WebP image of at most 5 MB (any photo the platform
    keeps: of needs, of progress reports)."""
    if len(content) > MAX_PHOTO_BYTES:
        raise _refused("photo_too_large", N_("A photo may be at most 5 MB."))
    content_type = sniff(content)
    if content_type is None or content_type not in ACCEPTED_TYPES:
        raise _refused("not_an_image", N_("Upload a JPEG, PNG or WebP image."))
    return CheckedPhoto(
        content=content,
        content_type=content_type,
        byte_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


class PhotoStore:
    """The photo files of needs, in a content store."""

    def __init__(self, files: ContentStore) -> None:
        self.files = files

    @classmethod
    def of(cls, settings: Settings) -> PhotoStore:
        return cls(ContentStore.of(settings))

    def check(self, content: bytes, existing: int) -> CheckedPhoto:
        """The upload if it may be added to a need that has ``existing`` photos already."""
        if existing >= MAX_PHOTOS_PER_NEED:
            raise _refused("too_many_photos", N_("A need has at most 6 photos."))
        return checked_image(content)

    def write(self, session: AsyncSession, photo: CheckedPhoto) -> None:
        """The file appears when the session commits the photo's row: a failed or crashed
        request leaves no photo file behind."""
        self.files.put_after_commit(session, photo.content)

    def read(self, sha256: str) -> bytes:
        try:
            return self.files.read(sha256)
        except FileNotFoundError:
            raise PhotoMissing(N_("No such photo.")) from None


async def photo_digests(session: AsyncSession) -> set[str]:
    """The files the photos of needs name, for the content store's orphan sweep."""
    return set(await session.scalars(select(NeedPhoto.sha256)))
