"""What a sum of yuan is worth against a line of goods, time or purchases: pure arithmetic
whose rounding never commits more of a need than the money pays for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.funds_cover import quantity_for, total_worth, worth_of


@pytest.mark.parametrize(
    ("kind", "unit", "value", "expected"),
    [
        ("purchase", "台", Decimal(40000), Decimal(40000)),
        ("purchase", "元", None, Decimal(50)),
        ("purchase", "吨", None, None),
        ("goods", "台", None, None),
        ("person_days", "人天", None, None),
        ("funds", "元", None, None),
    ],
)
def test_a_line_has_a_worth_when_a_value_or_its_unit_says_so(
    kind: str, unit: str, value: Decimal | None, expected: Decimal | None
) -> None:
    assert total_worth(kind, unit, value, Decimal(50)) == expected


def test_yuan_buy_their_share_of_the_quantity_rounded_down() -> None:
    # 3 件 worth 100 元: 33.33 元 buy 0.9999 件, committed as 0.99, never 1.00
    assert quantity_for(Decimal("33.33"), Decimal(3), Decimal(100)) == Decimal("0.99")
    assert quantity_for(Decimal(30000), Decimal(50), Decimal(40000)) == Decimal("37.50")
    # what is still lacking is worth at most its share, so the share bought never exceeds it
    lacking = Decimal("1.01")
    most = worth_of(lacking, Decimal(3), Decimal(100))
    assert most == Decimal("33.66")
    assert quantity_for(most, Decimal(3), Decimal(100)) <= lacking
