"""Files offered for download: their media types and the answer that carries them, so every
export (lists, templates, signing lists) names its file the same way."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
"""Litestar adds ``; charset=utf-8`` to text types itself (naming it here sent it twice)."""


def attachment(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A download with its Chinese file name (RFC 6266) and an ASCII fallback."""
    fallback = filename.rsplit(".", 1)[-1]
    disposition = f"attachment; filename=\"export.{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
