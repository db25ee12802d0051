"""The files of agreements (the signed scan, annexes), kept in the app's content store
(``core.files.ContentStore``: named by their SHA-256, put in place when their rows commit, swept
when no row names them any more).

What a file is decides its type: its first bytes (PDF, JPEG or PNG), never its name or the
type the client sent. A name is kept only to be shown and offered on download, so one that
names a path (``../x.pdf``, ``C:\\scan.pdf``) is refused rather than trusted.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import AgreementDocument
from core.errors import N_, FieldProblem, InvalidInput, NotFound
from core.files import ContentStore, sniff
from core.settings import Settings

MAX_DOCUMENT_BYTES = 20 * 2**20
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_NAME = 200
FIELD = "file"


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """An upload that passed the checks: its bytes, name, real type, size and digest."""

    content: bytes
    file_name: str
    content_type: str
    byte_size: int
    sha256: str


class DocumentMissing(NotFound):
    code = "document_not_found"


def _refused(code: str, message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(FIELD, code, message)])


def checked_name(name: str) -> str:
    """The name as shown, or a refusal when it is empty or names a folder."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text or any(mark in text for mark in ("/", "\\", "\x00")) or text in {".", ".."}:
        raise _refused(
            "bad_file_name", N_("Give the file a plain name, without folders (e.g. 协议.pdf).")
        )
    if len(text) > MAX_NAME:
        raise _refused("bad_file_name", N_("A file name may be at most 200 characters."))
    return text


class DocumentStore:
    """The checks an agreement's document passes, over the app's content store."""

    def __init__(self, files: ContentStore) -> None:
        self.files = files

    @classmethod
    def of(cls, settings: Settings) -> DocumentStore:
        return cls(ContentStore.of(settings))

    @staticmethod
    def check(content: bytes, file_name: str) -> CheckedDocument:
        name = checked_name(file_name)
        if len(content) > MAX_DOCUMENT_BYTES:
            raise _refused("file_too_large", N_("A document may be at most 20 MB."))
        content_type = sniff(content)
        if content_type is None or content_type not in EXTENSIONS:
            raise _refused("not_a_document", N_("Upload a PDF, JPEG or PNG file."))
        return CheckedDocument(
            content=content,
            file_name=name,
            content_type=content_type,
            byte_size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )

    def write(self, session: AsyncSession, document: CheckedDocument) -> None:
        """The file appears in place when the session commits the document's row."""
        self.files.put_after_commit(session, document.content)

    def read(self, sha256: str) -> bytes:
        try:
            return self.files.read(sha256)
        except FileNotFoundError:
            raise DocumentMissing(N_("No such document.")) from None


async def document_digests(session: AsyncSession) -> set[str]:
    """The files agreements' documents name, for the content store's orphan sweep."""
    return set(await session.scalars(select(AgreementDocument.sha256)))
