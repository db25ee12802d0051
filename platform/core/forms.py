"""Form and JSON input into pydantic models, with every problem named by field.

Pages re-render the form with these problems beside the fields; the API answers them as a 400.
A validator that raises ``ValueError(N_("…"))`` gets its own message through translated. A
limit a field breaks is stated in its message ("at most 4,000 characters"), filled from the
limit pydantic reports, so the person knows what would be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import N_, DomainError, FieldProblem, InvalidInput
from core.i18n import translate

M = TypeVar("M", bound=BaseModel)

MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("At least %(min_length)s characters."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "too_short": N_("At least %(min_length)s."),
    "too_long": N_("At most %(max_length)s."),
    "string_pattern_mismatch": N_("This is not in the expected format."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "greater_than": N_("Must be greater than %(gt)s."),
    "greater_than_equal": N_("Must be at least %(ge)s."),
    "less_than": N_("Must be less than %(lt)s."),
    "less_than_equal": N_("Must be at most %(le)s."),
    "decimal_max_places": N_("At most %(decimal_places)s decimal places."),
    "decimal_max_digits": N_("At most %(max_digits)s digits."),
    "decimal_whole_digits": N_("At most %(whole_digits)s digits before the decimal point."),
    "bool_parsing": N_("Choose yes or no."),
    "uuid_parsing": N_("This is not a valid identifier."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date such as 2026-12-31."),
    "date_from_datetime_inexact": N_("Enter a date such as 2026-12-31."),
}
INVALID = N_("This value is not valid.")
FIELDS_NEED_CORRECTING = N_("Some fields need correcting.")
WHOLE_FORM = "form"


@dataclass(frozen=True)
class Fix:
    """One line of a failed form's summary: the id of the field it links to (None for a
    problem of the whole form) and the translated message."""

    target: str | None
    message: str


@dataclass(frozen=True)
class ErrorSummary:
    """What the top of a re-rendered form says, so a visitor on a phone finds every field to
    fix: the error's own headline (None when it only says that fields need correcting; the
    summary's title says so) and one fix per problem."""

    headline: str | None
    fixes: list[Fix]


def field_id(name: str) -> str:
    """The id of a form field's control (the form partials write ``id="f-<name>"``)."""
    return f"f-{name}"


def error_summary(error: DomainError, locale: str) -> ErrorSummary:
    """The summary of a failed form in the visitor's language."""
    generic = error.message == FIELDS_NEED_CORRECTING
    headline = None if generic else translate(locale, error.message, error.params)
    fixes = [
        Fix(
            target=None if problem.field == WHOLE_FORM else field_id(problem.field),
            message=translate(locale, problem.message, problem.params),
        )
        for problem in error.problems
    ]
    return ErrorSummary(headline=headline, fixes=fixes)


def limit_text(value: object) -> str:
    """A limit as a message states it: whole numbers with thousands separators (4,000)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return str(value)
    return f"{value:,}"


def problems_of(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or WHOLE_FORM
        context = item.get("ctx", {})
        params: dict[str, Any] = {}
        if item["type"] == "value_error" and "error" in context:
            message = str(context["error"])
        else:
            message = MESSAGES.get(item["type"], INVALID)
            params = {key: limit_text(value) for key, value in context.items()}
        problems.append(FieldProblem(field, item["type"], message, params))
    return problems


def parse(model: type[M], data: Mapping[str, Any], message: str = FIELDS_NEED_CORRECTING) -> M:
    """The validated model, or ``InvalidInput`` (with ``message``) listing every bad field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise InvalidInput(message, problems=problems_of(error)) from error


def parse_query(model: type[M], message: str, **values: str | None) -> M:
    """Query-string options as the model, empty ones meaning "any". They arrive as text, so a
    bad value is one clear 400 naming the field, never a 500."""
    return parse(model, {key: value for key, value in values.items() if value}, message)


def form_values(form: Any, list_fields: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A submitted form as a plain dict: one value per field, lists for the named fields.

    Empty strings count as absent, so an optional field left blank is simply not given.
    """
    values: dict[str, Any] = {}
    for key in form:
        if key.startswith("_"):
            continue
        if key in list_fields:
            values[key] = [v for v in form.getall(key) if v != ""]
        elif (value := form.get(key)) != "":
            values[key] = value
    return values
