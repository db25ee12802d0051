"""Where the photos of needs live: plain files under
``var_dir/uploads/needs/<need id>/<photo id>.<ext>``, put in place and removed together with
their rows (``core.files``).

What an upload is decides its type: its first bytes (JPEG, PNG or WebP), never its file name or
the content type the client sent. No image library is involved; the bytes are stored as they
came and served with ``nosniff``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import N_, FieldProblem, InvalidInput, NotFound
from core.files import put_after_commit, remove_after_commit, remove_folder_after_commit, sniff
from core.settings import Settings

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


class PhotoStore:
    """The photo files of needs under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, settings: Settings) -> PhotoStore:
        return cls(settings.var_dir / "uploads" / "needs")

    def check(self, content: bytes, existing: int) -> CheckedPhoto:
        """The upload if it may be added to a need that has ``existing`` photos already."""
        if existing >= MAX_PHOTOS_PER_NEED:
            raise _refused("too_many_photos", N_("A need has at most 6 photos."))
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

    def path(self, need_id: UUID, photo_id: UUID, content_type: str) -> Path:
        return self.root / str(need_id) / f"{photo_id}.{EXTENSIONS[content_type]}"

    def write(
        self, session: AsyncSession, need_id: UUID, photo_id: UUID, photo: CheckedPhoto
    ) -> Path:
        """The file appears in place when the session commits the photo's row (``core.files``):
        a failed or crashed request leaves no photo file behind."""
        target = self.path(need_id, photo_id, photo.content_type)
        put_after_commit(session, target, photo.content)
        return target

    def read(self, need_id: UUID, photo_id: UUID, content_type: str) -> bytes:
        try:
            return self.path(need_id, photo_id, content_type).read_bytes()
        except (FileNotFoundError, KeyError):
            raise PhotoMissing(N_("No such photo.")) from None

    def delete(
        self, session: AsyncSession, need_id: UUID, photo_id: UUID, content_type: str
    ) -> None:
        """Remove the file (and the need's folder once empty) when the row's deletion commits."""
        remove_after_commit(session, self.path(need_id, photo_id, content_type))

    def delete_all(self, session: AsyncSession, need_id: UUID) -> None:
        """Remove every photo file of a need whose draft is deleted, once that commits."""
        remove_folder_after_commit(session, self.root / str(need_id))
