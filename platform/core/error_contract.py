"""The error envelope as the OpenAPI document shows it, and the error answers a route declares.

``core.http_errors`` builds every error answer under ``/api`` from ``ErrorEnvelope``, so the
documented shape is the shape sent; each route lists the statuses it really answers with
``responses=error_responses(...)``, and a client generated from the document knows them all.
"""

from __future__ import annotations

from http import HTTPStatus

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    """One field at fault: its dotted name, a machine code and a message for people."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(examples=["lines.0.amount"])
    code: str = Field(examples=["missing"])
    message: str = Field(examples=["此项为必填项。"])


class ErrorEnvelope(BaseModel):
    """Every error answer of the API: the status again, a stable machine code, a message in
    the caller's language (Chinese unless English was chosen) and, for bad input, the fields."""

    model_config = ConfigDict(extra="forbid")

    status_code: int = Field(examples=[400])
    code: str = Field(examples=["invalid_input"])
    message: str = Field(examples=["部分内容需要修改。"])
    errors: list[FieldError] = Field(
        default_factory=list, description="The fields at fault; left out when none is"
    )


ON_OUR_SIDE = 500
"""Any route may fail on our side; it still answers in the envelope."""


def error_responses(*status_codes: int) -> dict[int, ResponseSpec]:
    """The envelope under each status the route answers with (and 500), for its ``responses=``."""
    return {
        status: ResponseSpec(
            data_container=ErrorEnvelope,
            description=HTTPStatus(status).phrase,
            generate_examples=False,
        )
        for status in sorted({*status_codes, ON_OUR_SIDE})
    }
