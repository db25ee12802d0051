"""Files offered for download: their media types and the answer that carries them, so every
export (lists, templates, signing lists) names its file the same way, and every stored photo
is served the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.status_codes import HTTP_304_NOT_MODIFIED

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


_UNSAFE_IN_NAMES = str.maketrans(dict.fromkeys('/\\:*?"<>|\r\n\t', ""))


def dated_name(stem: str, words: Iterable[str | None], day: date, extension: str) -> str:
    """A download named by what it holds, the filters in force and the day it was taken:
    需求清单-昭阳区-产业-2026-12-05.xlsx. Words typed by people (a search) lose the characters
    a file name cannot hold and are cut to 20 characters."""
    kept = [word.translate(_UNSAFE_IN_NAMES)[:20] for word in words if word]
    return "-".join([stem, *(word for word in kept if word), day.isoformat()]) + f".{extension}"


def absolute_link(request: Request[Any, Any, Any], route: str, **parameters: Any) -> str:
    """The full address of a named page, for a link written into a downloaded file."""
    return str(request.base_url).rstrip("/") + request.app.route_reverse(route, **parameters)


def inline_image(
    content: bytes, content_type: str, sha256: str, cache_control: str, if_none_match: str | None
) -> Response[bytes]:
    """An image shown in the page, tagged by its digest: a browser that holds it already gets a
    304 without the bytes; ``nosniff`` keeps it an image whatever the bytes look like."""
    headers = {
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{sha256}"',
        "Content-Disposition": "inline",
    }
    if if_none_match == headers["ETag"]:
        return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=content, media_type=content_type, headers=headers)
