"""When an offer of funds may pay for a need of goods, time or purchases, and how much of the
need a sum of yuan covers.

Pure arithmetic on plain values, shared by scoring (how well funds could cover a line) and by
proposals (what accepting commits on each side). A line's worth in yuan is known when it carries
a value (a purchase of 300 吨 worth 90,000 元) or is itself counted in yuan (a purchase in 元);
goods and person-days carry no value, so money for them is a pledge whose share of the line
nobody can compute.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

FUNDS_KEY = ("funds", "元")
"""The line kind and unit of money offered."""
CENT = Decimal("0.01")


def total_worth(kind: str, unit: str, value: Decimal | None, sought: Decimal) -> Decimal | None:
    """What everything the line seeks is worth in yuan, or None when nothing says."""
    if kind == "funds" or sought <= 0:
        return None
    if value is not None and value > 0:
        return value
    if kind == "purchase" and unit in ("", "元"):
        return sought
    return None


def worth_of(quantity: Decimal, sought: Decimal, worth: Decimal) -> Decimal:
    """The yuan that ``quantity`` of the line is worth, rounded down to the cent."""
    return (quantity * worth / sought).quantize(CENT, rounding=ROUND_DOWN)


def quantity_for(yuan: Decimal, sought: Decimal, worth: Decimal) -> Decimal:
    """The share of the line's quantity ``yuan`` pays for, rounded down to the cent: rounding
    never commits more of the need than the money buys."""
    return (yuan * sought / worth).quantize(CENT, rounding=ROUND_DOWN)
