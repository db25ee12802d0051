"""The amount form the OpenAPI document shows is one ``parse_decimal`` reads as written, so a
client generated from the document sends amounts the platform takes."""

from __future__ import annotations

import re
from decimal import Decimal

from core.amounts import DOCUMENTED_AMOUNT, parse_decimal, positive_cents


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
