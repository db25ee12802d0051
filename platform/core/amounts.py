"""The one reader of amounts typed by people: forms, JSON bodies and spreadsheet cells.

People write ``50,000`` or ``50，000`` (thousands separators), so those are accepted; ``1e9`` is
no way to write a sum of money and a slip of one letter makes it a billion yuan, so exponents
(and ``inf``/``nan``) are refused. Amounts stay ``Decimal`` from the text to the database.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from core.errors import N_

NOT_AN_AMOUNT = N_("Enter a number such as 5000 or 5,000.50 (no exponents).")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
SEPARATORS = str.maketrans({"，": ",", "\u00a0": None, " ": None, "\u3000": None})


def parse_decimal(value: Any) -> Decimal:
    """The decimal a person or a script meant, or ``ValueError`` with a translatable message.

    Whole numbers and decimals as text, with optional thousands separators; JSON numbers
    without an exponent; never floats' binary noise (a float is read through its shortest
    text).
    """
    if isinstance(value, bool):
        raise ValueError(NOT_AN_AMOUNT)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(NOT_AN_AMOUNT)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str):
        raise ValueError(NOT_AN_AMOUNT)
    text = value.strip().translate(SEPARATORS)
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(NOT_AN_AMOUNT)
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(NOT_AN_AMOUNT) from error


AMOUNT_RULE = N_("Must be greater than 0, with at most two decimal places.")
CENT = Decimal("0.01")


def positive_cents(value: Decimal) -> Decimal:
    """The amount if it is above zero in whole cents, else ``ValueError`` saying both limits.
    Rounding to cents gets room for every digit: in the default context (28 digits) an amount
    of 30 digits raised ``InvalidOperation``, a 500; now ``max_digits`` refuses it."""
    exact = Context(prec=len(value.as_tuple().digits) + 2)
    if value <= 0 or value != value.quantize(CENT, context=exact):
        raise ValueError(AMOUNT_RULE)
    return value


DOCUMENTED_AMOUNT = r"^([1-9]\d{0,11}(\.\d{1,2})?|0\.(0[1-9]|[1-9]\d?))$"
"""The form a program sends an amount in, as the OpenAPI document shows it (a decimal string:
numeric keywords such as ``exclusiveMinimum`` say nothing about a string): above zero, so a
body that follows the document is not refused for its amount (``0`` and ``0.00`` matched
once); people's thousands separators are read too."""

Amount = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    AfterValidator(positive_cents),
    Field(max_digits=14, json_schema_extra={"pattern": DOCUMENTED_AMOUNT}),
]
"""A positive amount with at most two decimal places, read by ``parse_decimal``; one message
states both limits."""
