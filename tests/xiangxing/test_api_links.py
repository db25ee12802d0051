"""The OpenAPI document carries the links a client (and Schemathesis's stateful phase) follows
from one answer to the next call (issue 20): each names an operation of the document, fills
parameters that operation has, and takes the identifier from an answer that carries one."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from xiangxing.api_links import API_LINKS

RUNTIME = ("$response.body#/", "$request.path.")
CHOSEN_BY_THE_CALLER = {"step", "verification"}
"""Path parameters a link may leave open: each is a choice from a closed list."""


@pytest.fixture
async def document(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def links(document: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (path, method, status, link)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        for status, answer in operation.get("responses", {}).items()
        for link in answer.get("links", {}).values()
    ]


def operation_by_id(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        operation["operationId"]: (path, operation)
        for path, item in document["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


async def test_every_declared_link_is_in_the_document(document: dict[str, Any]) -> None:
    assert len(links(document)) == len(API_LINKS) >= 60


async def test_each_link_fills_parameters_its_target_has(document: dict[str, Any]) -> None:
    targets = operation_by_id(document)
    for path, method, status, link in links(document):
        target_path, target = targets[link["operationId"]]
        path_parameters = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        filled = {name.removeprefix("path.") for name in link.get("parameters", {})}
        assert filled <= path_parameters, (method, path, status, link)
        assert path_parameters <= filled | CHOSEN_BY_THE_CALLER, (method, path, target_path)
        for expression in link.get("parameters", {}).values():
            assert not expression.startswith("$") or expression.startswith(RUNTIME), expression


async def test_links_start_from_answers_that_name_a_row(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for path, method, status, _link in links(document):
        answer = document["paths"][path][method]["responses"][status]
        reference = answer["content"]["application/json"]["schema"]["$ref"]
        assert "id" in schemas[reference.rsplit("/", 1)[-1]]["properties"], (method, path)


async def test_a_ledger_entry_links_to_its_confirmation(document: dict[str, Any]) -> None:
    ledger = document["paths"]["/api/v1/agreements/{agreement_id}/ledger"]["post"]
    confirm = ledger["responses"]["201"]["links"]["ConfirmReceipt"]
    assert confirm["operationId"] == ledger["operationId"]
    assert confirm["requestBody"] == {
        "entry_type": "receipt_confirmation",
        "confirms_id": "$response.body#/id",
    }


def _body_fields(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The properties of the schemas an operation's JSON body may take."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = body.get("schema", {})
    options = schema.get("oneOf", [schema])
    schemas = document["components"]["schemas"]
    return {
        field
        for option in options
        if "$ref" in option
        for field in schemas[option["$ref"].rsplit("/", 1)[-1]].get("properties", {})
    }


async def test_a_link_into_a_step_passes_the_version_its_answer_showed(
    document: dict[str, Any],
) -> None:
    """A step checks the version the caller saw: a link that left it out would send a client
    into a 409 (or, where the version is required, a 400) on the row it was just shown."""
    targets = operation_by_id(document)
    checked = 0
    for path, method, status, link in links(document):
        target_path, target = targets[link["operationId"]]
        if target_path.endswith("/{step}") and "version" in _body_fields(document, target):
            assert link.get("requestBody", {}).get("version") == "$response.body#/version", (
                method,
                path,
                status,
                link,
            )
            checked += 1
    assert checked >= 8


async def test_an_events_latest_plan_is_linked_from_asking_for_a_plan(
    document: dict[str, Any],
) -> None:
    """A new event has no plan run yet, so its latest plan is a 404: the link starts from the
    request for a plan, not from the event just made (Schemathesis's ST302, "created resource
    not found", followed the old link)."""
    event = document["paths"]["/api/v1/events"]["post"]["responses"]["201"]["links"]
    plan = document["paths"]["/api/v1/events/{event_id}/plan"]["post"]["responses"]["202"]
    assert "LatestPlan" not in event
    assert plan["links"]["LatestPlan"]["parameters"] == {"path.event_id": "$request.path.event_id"}
