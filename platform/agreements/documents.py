"""The files of agreements (the signed scan, annexes): plain files under
``var_dir/uploads/agreements/<agreement id>/<document id>.<ext>``, put in place when their rows
commit (``core.files``).

What a file is decides its type: its first bytes (PDF, JPEG or PNG), never its name or the
type the client sent. A name is kept only to be shown and offered on download, so one that
names a path (``../x.pdf``, ``C:\\scan.pdf``) is refused rather than trusted.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import N_, FieldProblem, InvalidInput, NotFound
from core.files import put_after_commit, sniff
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
    """The documents of agreements under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, settings: Settings) -> DocumentStore:
        return cls(settings.var_dir / "uploads" / "agreements")

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

    def path(self, agreement_id: UUID, document_id: UUID, content_type: str) -> Path:
        return self.root / str(agreement_id) / f"{document_id}.{EXTENSIONS[content_type]}"

    def write(
        self,
        session: AsyncSession,
        agreement_id: UUID,
        document_id: UUID,
        document: CheckedDocument,
    ) -> None:
        """The file appears in place when the session commits the document's row."""
        target = self.path(agreement_id, document_id, document.content_type)
        put_after_commit(session, target, document.content)

    def read(self, agreement_id: UUID, document_id: UUID, content_type: str) -> bytes:
        try:
            return self.path(agreement_id, document_id, content_type).read_bytes()
        except (FileNotFoundError, KeyError):
            raise DocumentMissing(N_("No such document.")) from None
