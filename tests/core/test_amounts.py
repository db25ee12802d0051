"""The amount form the OpenAPI document shows is one ``parse_decimal`` reads as written, so a
client generated from the document sends amounts the platform takes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from core.amounts import DOCUMENTED_AMOUNT, Amount, parse_decimal, positive_cents


def test_the_documented_amount_form_is_read_as_written() -> None:
    for text in ("1", "5000", "5000.5", "30000.00", "999999999999.99", "0.01", "0.5"):
        assert re.fullmatch(DOCUMENTED_AMOUNT, text), text
        assert parse_decimal(text) == Decimal(text)


def test_the_documented_form_has_no_exponent_sign_or_third_decimal() -> None:
    for text in ("1e9", "-5", "5.001", "Infinity", "5,00", ""):
        assert not re.fullmatch(DOCUMENTED_AMOUNT, text), text


def test_every_amount_of_the_documented_form_is_one_the_platform_takes() -> None:
    """Bodies generated from the document (Schemathesis's) were refused for an amount of 0."""
    for text in ("0", "0.00", "00", "0.0", "000000000000.00"):
        assert not re.fullmatch(DOCUMENTED_AMOUNT, text), text
    for text in ("0.01", "0.10", "10", "100.00", "120000000000"):
        assert re.fullmatch(DOCUMENTED_AMOUNT, text), text
        assert positive_cents(parse_decimal(text)) == Decimal(text)


class Line(BaseModel):
    amount: Amount


def test_an_amount_of_more_digits_than_decimals_hold_is_refused_not_a_crash() -> None:
    """Thirty nines (Schemathesis's long run, in an offer's purchase value) made rounding to
    cents raise ``InvalidOperation``: a 500 instead of a 400 naming the field."""
    for text in ("9" * 30, "9" * 30 + ".000", "1" + "0" * 40):
        with pytest.raises(ValidationError) as refused:
            Line(amount=text)
        assert refused.value.errors()[0]["type"] == "decimal_max_digits", text
    assert Line(amount="99999999999999").amount == Decimal("99999999999999")
