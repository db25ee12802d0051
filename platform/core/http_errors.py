"""One place that turns errors into answers: JSON under ``/api``, a Chinese page elsewhere.

Bad input is never a 500: validation failures, unknown objects and refusals all get a 4xx that
names the field and the problem.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from advanced_alchemy.exceptions import IntegrityError as RepositoryIntegrityError
from advanced_alchemy.exceptions import NotFoundError, RepositoryError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.error_contract import ErrorEnvelope, FieldError
from core.errors import N_, DomainError, FieldProblem
from core.forms import FIELDS_NEED_CORRECTING, problems_of
from core.i18n import locale_of, translate
from core.retries import (
    connection_lost,
    database_unreachable,
    is_transient,
    mark_transient,
    overloaded,
)

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
ERROR_PAGES = {403, 404, 500}

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    507: "storage_full",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}
STATUS_MESSAGES = {
    400: N_("The request is not valid."),
    401: N_("Please sign in first."),
    403: N_("You do not have permission to do this."),
    404: N_("The page or object you asked for does not exist."),
    405: N_("This address does not accept that kind of request."),
    409: N_("Someone else changed this in the meantime."),
    413: N_("The upload is too large."),
    507: N_("The server's storage is full; nothing was saved. Please tell the administrator."),
    429: N_("Too many requests; please wait a moment."),
    500: N_("Something went wrong on our side. The error has been logged."),
    503: N_("The service is temporarily unavailable."),
}


UNREADABLE = N_(
    "The request could not be read: send JSON nested at most a few levels deep, or a form in UTF-8."
)
MALFORMED_JSON = N_("The request body is not valid JSON.")


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/health"


def _answer(
    request: Request[Any, Any, Any],
    status_code: int,
    code: str,
    message: str,
    params: dict[str, Any] | None = None,
    problems: list[FieldProblem] | None = None,
) -> Response[Any]:
    locale = locale_of(request)
    text = translate(locale, message, params)
    errors = [
        FieldError(field=p.field, code=p.code, message=translate(locale, p.message, p.params))
        for p in problems or []
    ]
    if _wants_json(request):
        envelope = ErrorEnvelope(status_code=status_code, code=code, message=text, errors=errors)
        return Response(
            content=envelope.model_dump(exclude_defaults=True),
            status_code=status_code,
            media_type=MediaType.JSON,
        )
    template = f"errors/{status_code if status_code in ERROR_PAGES else 'error'}.html"
    return Template(
        template_name=template,
        context={"status_code": status_code, "message": text, "errors": errors},
        status_code=status_code,
    )


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return _answer(request, exc.status_code, exc.code, exc.message, exc.params, exc.problems)


def _model_error(exc: BaseException) -> ValidationError | None:
    """The pydantic error behind Litestar's, when a request body did not fit its model."""
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    return cause


def handle_validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Litestar's parameter and body validation, reported field by field. A body that does not
    fit its model is answered as ``core.forms.parse`` answers a form: every field at fault, each
    with its own translated message."""
    if (model_error := _model_error(exc)) is not None:
        problems = problems_of(model_error)
        return _answer(request, 400, "invalid_input", FIELDS_NEED_CORRECTING, problems=problems)
    problems = [
        FieldProblem(
            field=str(item.get("key") or item.get("source") or "request"),
            code="invalid_value",
            message=N_("Invalid value for %(field)s: %(detail)s"),
            params={"field": item.get("key") or item.get("source"), "detail": item.get("message")},
        )
        for item in exc.extra or []
        if isinstance(item, dict)
    ]
    return _answer(request, 400, "invalid_input", STATUS_MESSAGES[400], problems=problems)


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own refusals (no such route, wrong method, too large …) in the one shape; a
    body Litestar could not decode as JSON says so, rather than a bare "not valid"."""
    if isinstance(exc.__cause__, SerializationException):
        return _answer(request, 400, "malformed_json", MALFORMED_JSON)
    status_code = exc.status_code
    code = STATUS_CODES.get(status_code, "error")
    message = STATUS_MESSAGES.get(status_code, STATUS_MESSAGES[400])
    response = _answer(request, status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def handle_unreadable_request(
    request: Request[Any, Any, Any], exc: RecursionError | UnicodeDecodeError
) -> Response[Any]:
    """A body Litestar cannot even decode, before any handler runs: JSON nested deeper than
    the decoder goes (``RecursionError``), a form field of bytes that are not UTF-8
    (``UnicodeDecodeError``, raised while the CSRF check reads the form). The sender's fault,
    so a 400 rather than a 500."""
    logger.warning("unreadable request body on %s %s: %r", request.method, request.url.path, exc)
    return _answer(request, 400, "unreadable_request", UNREADABLE)


BUSY = N_("The database is busy with a large change; please try again in a few seconds.")
BUSY_RETRY_AFTER_SECONDS = 5


def handle_database_error(
    request: Request[Any, Any, Any], exc: RepositoryError | DBAPIError | PoolTimeout
) -> Response[Any]:
    """Database errors that reach the edge. A transient failure (a deadlock, a serialization
    failure, SQLite's busy timeout; `core.retries`) is a 503 that says to retry, never a bare
    409, and tells the retrying middleware to run the request again while it may; so is a
    lost connection, which only the caller may send again (with its idempotency key), and a
    database with no connection to give (Advanced Alchemy reports that as an integrity error).
    Its other wrapped errors keep the project's envelope: not found 404, constraint 409."""
    if is_transient(exc):
        logger.warning("transient database failure on %s %s", request.method, request.url.path)
        mark_transient(request.scope)
        response = _answer(request, 503, "database_busy", BUSY)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if overloaded(exc):
        logger.warning("database overloaded on %s %s", request.method, request.url.path)
        response = _answer(request, 503, "database_busy", STATUS_MESSAGES[503])
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if connection_lost(exc):
        logger.warning("database connection lost on %s %s", request.method, request.url.path)
        response = _answer(request, 503, STATUS_CODES[503], CONNECTION_LOST)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, NotFoundError):
        return _answer(request, 404, STATUS_CODES[404], STATUS_MESSAGES[404])
    if isinstance(exc, RepositoryIntegrityError):
        return _answer(request, 409, STATUS_CODES[409], STATUS_MESSAGES[409])
    return handle_unexpected_error(request, exc)


CONNECTION_LOST = N_(
    "The connection to the database was lost. Please try again in a minute; if you had just "
    "sent a change, first check whether it was saved."
)
"""A pooled connection the database ended (restarted, cut): whether a change sent just then
landed only the caller can check, by looking or by sending it again with its idempotency key."""
UNREACHABLE = N_(
    "The database cannot be reached at the moment; nothing was changed. Please try again in a "
    "minute."
)
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""No space left, over the quota, over the largest file allowed: the storage is full."""


def handle_os_error(request: Request[Any, Any, Any], exc: OSError) -> Response[Any]:
    """The operating system's refusals that reach the edge. The database out of reach (its
    driver raises the refused connection as it is) is a 503 to retry; a full disk a 507 that
    says nothing was saved (the file store writes under a temporary name and removes it, so no
    partial file is left); anything else is unexpected."""
    if database_unreachable(exc):
        logger.warning("database unreachable on %s %s: %s", request.method, request.url.path, exc)
        response = _answer(request, 503, STATUS_CODES[503], UNREACHABLE)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if exc.errno in STORAGE_FULL_ERRNOS:
        logger.error("storage full on %s %s: %s", request.method, request.url.path, exc)
        return _answer(request, 507, STATUS_CODES[507], STATUS_MESSAGES[507])
    return handle_unexpected_error(request, exc)


def handle_unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        STATUS_CODES[500],
        STATUS_MESSAGES[500],
    )


EXCEPTION_HANDLERS = {
    DomainError: handle_domain_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_error,
    RepositoryError: handle_database_error,
    DBAPIError: handle_database_error,
    PoolTimeout: handle_database_error,
    RecursionError: handle_unreadable_request,
    UnicodeDecodeError: handle_unreadable_request,
    OSError: handle_os_error,
    Exception: handle_unexpected_error,
}
