"""Domain errors as types, each with a stable machine code and an HTTP status.

Messages are English gettext ids translated at the edge (page or API answer) into the
visitor's language; ``params`` fill their placeholders.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark a message for translation without translating it yet."""
    return message


class Labels(tuple[str, ...]):
    """Message parameter holding gettext ids (role or category labels), each translated and
    joined the way the visitor's language lists things."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One invalid input: which field, a machine code and a translatable message."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        params: dict[str, Any] | None = None,
        problems: list[FieldProblem] | None = None,
    ) -> None:
        super().__init__(message % (params or {}))
        self.message = message
        self.params = params or {}
        self.problems = problems or []


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid_input"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
