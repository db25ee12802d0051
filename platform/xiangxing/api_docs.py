"""The API docs: the Swagger UI page from the project's own static files (no CDN, since the
platform runs on government intranets, and no inline script, so the page lives under the same
Content-Security-Policy as every other) and the OpenAPI document with its links."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

from xiangxing.api_links import with_links

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


class LinkedJsonRenderPlugin(JsonRenderPlugin):
    """The OpenAPI document as JSON with the links between operations (``xiangxing.api_links``),
    which Litestar's generated document has no place for; rendered once per app."""

    def __init__(self) -> None:
        super().__init__()
        self._rendered: bytes | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None:
            self._rendered = self.render_json(request, with_links(openapi_schema))
        return self._rendered
