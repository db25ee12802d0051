"""Browser headers on every answer (issue 10, item 6): a Content-Security-Policy without inline
script or framing, nosniff, same-origin referrers, HSTS in production only; the API docs page
loads nothing from another site and runs no inline script."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import AsyncClient
from litestar import Litestar
from pydantic import SecretStr

from core.paths import STATIC_DIR
from core.settings import Environment, Settings
from tests.clients import serve
from tests.conftest import REPO_ROOT

PATHS = [
    "/",
    "/catalogue",
    "/login",
    "/api/v1/offers",
    "/api/v1/offers?page=0",
    "/no/such/page",
    "/api/v1/no-such-thing",
    "/static/css/app.css",
    "/health",
    "/api/schema/swagger",
]
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)
"""A script element that runs: neither loaded from a file nor a JSON data block (a chart's
option), which the browser never executes."""
EVENT_ATTRIBUTE = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)


def assert_protected(headers: dict[str, str], path: str) -> None:
    policy = headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, path
    assert "unsafe-inline" not in policy, path
    assert "frame-ancestors 'none'" in policy, path
    assert headers.get("x-frame-options") == "DENY", path
    assert headers.get("x-content-type-options") == "nosniff", path
    assert headers.get("referrer-policy") == "same-origin", path


async def test_every_kind_of_answer_carries_the_headers(client: AsyncClient) -> None:
    for path in PATHS:
        response = await client.get(path)
        assert_protected(dict(response.headers), path)
        assert "strict-transport-security" not in response.headers
    options = await client.options("/api/v1/offers")
    assert_protected(dict(options.headers), "OPTIONS")


async def test_production_adds_hsts(
    test_settings: Settings, make_app: Callable[[Settings], Litestar], tmp_path: Path
) -> None:
    settings = test_settings.model_copy(
        update={
            "env": Environment.PRODUCTION,
            "var_dir": tmp_path,
            "secret_key": SecretStr("x" * 40),
        }
    )
    async with serve(make_app(settings)) as client:
        response = await client.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_the_api_docs_load_only_our_own_files(client: AsyncClient) -> None:
    page = await client.get("/api/schema/swagger")
    assert page.status_code == 200
    assert not INLINE_SCRIPT.search(page.text)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert (await client.get(source)).status_code == 200, source
    spec = await client.get("/api/schema/openapi.json")
    assert spec.status_code == 200


@pytest.mark.parametrize(
    "template", sorted((REPO_ROOT / "templates").rglob("*.html")), ids=lambda p: p.name
)
def test_no_template_has_inline_script_or_event_handlers(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), template
    assert not EVENT_ATTRIBUTE.search(text), template
    assert "style=" not in text, template


@pytest.mark.parametrize("package", ["swagger-ui", "echarts"])
def test_vendored_files_name_their_licence(package: str) -> None:
    assert (STATIC_DIR / "vendor" / package / "LICENSE").exists()
    readme = (STATIC_DIR / "vendor" / "README.md").read_text(encoding="utf-8")
    assert f"| `{package}/LICENSE` |" in readme
