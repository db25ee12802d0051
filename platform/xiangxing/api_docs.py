"""The API docs page (Swagger UI) from the project's own static files: no CDN, since the
platform runs on government intranets, and no inline script, so the page lives under the same
Content-Security-Policy as every other."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import SwaggerRenderPlugin

VENDOR = "/static/vendor/swagger-ui"
SPEC_URL = "/api/schema/openapi.json"


class LocalSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Litestar's Swagger UI page, with the vendored bundle and a static start-up script."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{VENDOR}/swagger-ui-bundle.js",
            css_url=f"{VENDOR}/swagger-ui.css",
            standalone_preset_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{self.css_url}">
</head>
<body>
  <div id="swagger-container" data-spec-url="{SPEC_URL}"></div>
  <script src="{self.js_url}"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>
""".encode()
