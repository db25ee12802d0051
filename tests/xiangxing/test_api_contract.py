"""The OpenAPI document is a contract a client can be generated from (issue 14, item 4): every
request body under /api/v1 is a declared model, every operation documents the errors it answers
in the one envelope, and every list answers a page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from litestar.routes import HTTPRoute

from core.access import ACCESS_KEY
from core.idempotency import IDEMPOTENT

API = "/api/v1/"
WRITES = {"post", "put", "patch"}
ENVELOPE = "#/components/schemas/ErrorEnvelope"
(IDEMPOTENT_KEY,) = IDEMPOTENT
NOT_PAGED = {
    "/api/v1/categories": "the fixed tree of five categories, one document",
    "/api/v1/needs/{need_id}/suggestions": "the best k offers, ranked; `k` is the size",
    "/api/v1/offers/{offer_id}/suggestions": "the best k needs, ranked; `k` is the size",
}


@pytest.fixture
async def document(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith(API)
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]
    assert len(found) >= 50, "the walk must see the whole API"
    return found


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a reference, an ``allOf`` of one, or an optional (``oneOf`` null)."""
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("allOf", "oneOf", "anyOf"):
        parts = [part for part in schema.get(key, []) if part.get("type") != "null"]
        if len(parts) == 1:
            return resolve(document, parts[0])
    return schema


async def test_every_request_body_is_a_declared_model(document: dict[str, Any]) -> None:
    bodies = 0
    for path, method, operation in operations(document):
        if method not in WRITES or "requestBody" not in operation:
            continue
        for media_type, content in operation["requestBody"]["content"].items():
            schema = resolve(document, content["schema"])
            assert schema.get("properties"), (method, path, media_type, content["schema"])
            bodies += 1
    assert bodies >= 20


async def test_json_bodies_show_their_fields_with_constraints(document: dict[str, Any]) -> None:
    body = document["paths"]["/api/v1/offers"]["post"]["requestBody"]["content"]
    offer = resolve(document, body["application/json"]["schema"])
    assert {"category", "title", "lines", "valid_until"} <= set(offer["required"])
    assert offer["properties"]["title"]["maxLength"] == 100
    assert offer["properties"]["lines"]["minItems"] == 1
    step = document["paths"]["/api/v1/needs/{need_id}/{step}"]["post"]["requestBody"]
    assert (
        "reason" in resolve(document, step["content"]["application/json"]["schema"])["properties"]
    )


async def test_the_error_envelope_is_a_component(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    envelope = schemas["ErrorEnvelope"]
    assert set(envelope["required"]) == {"status_code", "code", "message"}
    assert set(envelope["properties"]) == {"status_code", "code", "message", "errors"}
    assert set(schemas["FieldError"]["required"]) == {"field", "code", "message"}


def _openapi_path(route_path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route_path)


def _handlers(app: Litestar) -> dict[tuple[str, str], Any]:
    return {
        (_openapi_path(route.path), method.lower()): handler
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith(API)
        for handler in route.route_handlers
        for method in handler.http_methods
        if method != "OPTIONS"
    }


async def test_every_operation_documents_its_errors_in_the_envelope(
    app: Litestar, document: dict[str, Any]
) -> None:
    handlers = _handlers(app)
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        errors = {code: answer for code, answer in operation["responses"].items() if code >= "4"}
        for code, answer in errors.items():
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": ENVELOPE}, (where, code, schema)
        documented = set(errors)
        if "requestBody" in operation or operation.get("parameters"):
            assert "400" in documented, where
        if "{" in path:
            assert "404" in documented, where
        handler = handlers[(path, method)]
        if handler.opt.get(ACCESS_KEY) != "public":
            assert {"401", "403"} <= documented, where
        if handler.opt.get(IDEMPOTENT_KEY):
            assert "422" in documented, where


async def test_every_list_answers_a_page(document: dict[str, Any]) -> None:
    lists = 0
    for path, method, operation in operations(document):
        if method != "get" or path in NOT_PAGED:
            continue
        ok = operation["responses"]["200"]
        if "application/json" not in ok.get("content", {}):
            continue
        schema = resolve(document, ok["content"]["application/json"]["schema"])
        assert schema.get("type") != "array", f"GET {path} answers a bare list"
        if "items" in schema.get("properties", {}):
            assert {"items", "total", "page", "page_size"} <= set(schema["required"]), path
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert {"page", "page_size"} <= names, f"GET {path} takes no page or page_size"
            lists += 1
    assert lists >= 12
