"""The headers every answer carries, pages, API, static files and errors alike.

The Content-Security-Policy allows scripts, styles and everything else from this site only:
no inline script anywhere (the templates have none, the API docs start from a static file), no
CDN (the platform runs on government intranets), and no framing by any other site. HSTS only
in production, where TLS ends at the proxy in front; a development server on plain HTTP would
otherwise be unreachable for a year.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
COMMON = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

BeforeSend = Callable[[Message, Scope], Awaitable[None]]


def security_headers(*, production: bool) -> BeforeSend:
    """Litestar ``before_send`` hook: it sees every response start, even answers made before
    any route matched (an unknown path's 404)."""
    headers = {**COMMON, **({"Strict-Transport-Security": HSTS} if production else {})}

    async def add_headers(message: Message, _scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        present = MutableScopeHeaders.from_message(message)
        for name, value in headers.items():
            if name not in present:
                present[name] = value

    return add_headers
