"""One-line notes shown on the next page, in the visitor's language.

Messages are marked with ``N_()`` where they are written and translated here, at the edge,
so every page flashes the same way.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.plugins.flash import flash

from core.i18n import locale_of, translate


def flash_text(
    request: Request[Any, Any, Any],
    message: str,
    category: str = "success",
    params: dict[str, Any] | None = None,
) -> None:
    flash(request, translate(locale_of(request), message, params), category)
