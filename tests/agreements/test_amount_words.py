"""Amounts in words as a bank or a notary would write them on an agreement."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agreements.amount_words import amount_in_words


@pytest.mark.parametrize(
    ("figures", "words"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100000", "壹拾万元整"),
        ("1000000.01", "壹佰万元零壹分"),
        ("100010000", "壹亿零壹万元整"),
        ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        ("1010", "壹仟零壹拾元整"),
        ("10000100", "壹仟万零壹佰元整"),
        ("100000001", "壹亿零壹元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("2.5", "贰元伍角"),
        ("60000", "陆万元整"),
        ("130000000", "壹亿叁仟万元整"),
        ("1000000000000", "壹万亿元整"),
    ],
)
def test_amounts_in_words(figures: str, words: str) -> None:
    assert amount_in_words(Decimal(figures)) == words


@pytest.mark.parametrize("figures", ["-1", "0.001", "10000000000000000"])
def test_what_is_not_yuan_and_cents_is_refused(figures: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        amount_in_words(Decimal(figures))
